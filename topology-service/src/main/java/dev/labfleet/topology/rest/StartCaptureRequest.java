package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.topology.service.CaptureSettings;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Optional settings of a capture.
 *
 * @param captureFileName GNS3's default is {@code <node>_<port>_to_<node>_<port>.pcap}
 * @param dataLinkType    {@code DLT_EN10MB} (Ethernet, the default) or another link type the link supports
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StartCaptureRequest(
        @Size(max = 200) @Pattern(regexp = "[A-Za-z0-9._-]+", message = "letters, digits, '.', '_' and '-' only")
        String captureFileName,
        @Pattern(regexp = "DLT_[A-Z0-9_]+", message = "a GNS3 data link type such as DLT_EN10MB") String dataLinkType) {

    public CaptureSettings toSettings() {
        return new CaptureSettings(captureFileName, dataLinkType);
    }
}
