package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.UUID;

/** Creates a GNS3 node; {@code computeId} is usually "local". With {@code nodeId} set the gateway may retry it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateNodeRequest(
        UUID nodeId,
        String name,
        String nodeType,
        String computeId,
        String consoleType,
        Integer x,
        Integer y,
        Integer z,
        String symbol,
        JsonNode properties) {
}
