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
 * Registers a GNS3 server with the gateway.
 *
 * @param name           unique, human-readable
 * @param url            the server's base URL, e.g. {@code http://10.0.0.5:3080} (without {@code /v2}); unique
 * @param username       HTTP basic auth user, when the server requires it
 * @param password       HTTP basic auth password; stored encrypted, never returned
 * @param verifyTls      check the server's certificate on https (default true)
 * @param timeouts       per-operation-class timeouts; null fields use the gateway's defaults
 * @param maxConcurrent  concurrent requests the gateway sends to this server (its bulkhead); null = default
 * @param capacityWeight relative capacity for placement (2.0 = twice the load of a 1.0 server); default 1.0
 * @param labels         free-form key/value labels matched by placement's required labels
 * @param enabled        whether the server takes traffic, placement and monitoring (default true)
 */
public record CreateServerRequest(
        @NotBlank @Size(max = 100) @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._ -]*", message = "must start with a letter or digit and contain only letters, digits, '.', '_', '-' and spaces") String name,
        @NotBlank @Size(max = 500) @Pattern(regexp = "(?i)https?://[^\\s/?#]+(/[^\\s?#]*)?", message = "must be an http(s) URL such as http://10.0.0.5:3080") String url,
        @Size(max = 100) String username,
        @Size(max = 500) String password,
        Boolean verifyTls,
        @Valid ServerTimeouts timeouts,
        @Positive @Max(1024) Integer maxConcurrent,
        @DecimalMin(value = "0.01") @DecimalMax(value = "1000") Double capacityWeight,
        @Size(max = 50) Map<@NotBlank @Size(max = 63) @Pattern(regexp = "[A-Za-z0-9._/-]+") String, @Size(max = 255) String> labels,
        Boolean enabled) {
}
