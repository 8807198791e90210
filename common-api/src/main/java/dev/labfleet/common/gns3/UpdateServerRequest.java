package dev.labfleet.common.gns3;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import java.util.Map;

/**
 * Changes a registered GNS3 server; every null field is left unchanged. An empty {@code password} (or
 * {@code username}) removes the credential. {@code labels} replaces the whole label set when present.
 */
public record UpdateServerRequest(
        @Size(min = 1, max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._ -]*", message = "must start with a letter or digit and contain only letters, digits, '.', '_', '-' and spaces") String name,
        @Size(max = 500) @Pattern(regexp = "(?i)https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an http(s) URL such as http://10.0.0.5:3080") String url,
        @Size(max = 100) String username,
        @Size(max = 500) String password,
        Boolean verifyTls,
        @Valid ServerTimeouts timeouts,
        @Positive @Max(1024) Integer maxConcurrent,
        @DecimalMin(value = "0.01") @DecimalMax(value = "1000") Double capacityWeight,
        @Size(max = 50) Map<@NotBlank @Size(max = 63) @Pattern(regexp = "[A-Za-z0-9._/-]+") String, @Size(max = 255) String> labels,
        Boolean enabled) {
}
