package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.UUID;

/** A GNS3 node. {@code properties} is type-specific and kept as GNS3 sent it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeView(
        UUID nodeId,
        UUID projectId,
        String name,
        String nodeType,
        String computeId,
        String status,
        @JsonDeserialize(using = LenientInteger.class) Integer console,
        String consoleHost,
        String consoleType,
        Boolean consoleAutoStart,
        @JsonDeserialize(using = LenientInteger.class) Integer x,
        @JsonDeserialize(using = LenientInteger.class) Integer y,
        @JsonDeserialize(using = LenientInteger.class) Integer z,
        Boolean locked,
        String symbol,
        UUID templateId,
        JsonNode properties,
        JsonNode label,
        List<PortView> ports) {

    /** One of a node's ports, addressed by {@code adapterNumber}/{@code portNumber}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PortView(
            String name,
            String shortName,
            @JsonDeserialize(using = LenientInteger.class) Integer adapterNumber,
            @JsonDeserialize(using = LenientInteger.class) Integer portNumber,
            String linkType,
            JsonNode dataLinkTypes) {
    }
}
