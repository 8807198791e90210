package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.UUID;

/** A GNS3 link between node ports; {@code filters} is keyed by filter name (frequency_drop, delay...). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkView(
        UUID linkId,
        UUID projectId,
        List<LinkEndpoint> nodes,
        String linkType,
        JsonNode filters,
        Boolean suspend,
        Boolean capturing,
        String captureFileName,
        String captureFilePath,
        String captureComputeId,
        JsonNode linkStyle) {
}
