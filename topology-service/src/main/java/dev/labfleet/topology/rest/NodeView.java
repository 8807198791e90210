package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.common.gns3.LenientInteger;
import dev.labfleet.topology.service.LabNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A node of a lab: GNS3's node (its vocabulary, the fields that matter to a topology) and its Labfleet labels.
 *
 * @param status  GNS3's {@code started}, {@code stopped} or {@code suspended}
 * @param ports   the node's ports: name, short name, {@code adapter_number}/{@code port_number}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeView(
        UUID nodeId,
        UUID projectId,
        String name,
        String nodeType,
        UUID templateId,
        String computeId,
        String status,
        String consoleType,
        String consoleHost,
        @JsonDeserialize(using = LenientInteger.class) Integer console,
        @JsonDeserialize(using = LenientInteger.class) Integer x,
        @JsonDeserialize(using = LenientInteger.class) Integer y,
        @JsonDeserialize(using = LenientInteger.class) Integer z,
        Boolean locked,
        String symbol,
        JsonNode properties,
        List<Port> ports,
        Map<String, String> labels) {

    /** A port. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Port(String name, String shortName,
                       @JsonDeserialize(using = LenientInteger.class) Integer adapterNumber,
                       @JsonDeserialize(using = LenientInteger.class) Integer portNumber, String linkType) {
    }

    public static NodeView of(LabNode n) {
        return new NodeView(n.nodeId(), n.projectId(), n.name(), n.nodeType(), n.templateId(), n.computeId(),
                n.status(), n.consoleType(), n.consoleHost(), n.console(), n.x(), n.y(), n.z(), n.locked(), n.symbol(),
                n.properties(), n.ports() == null ? null : n.ports().stream()
                        .map(p -> new Port(p.name(), p.shortName(), p.adapterNumber(), p.portNumber(), p.linkType()))
                        .toList(),
                n.labels());
    }
}
