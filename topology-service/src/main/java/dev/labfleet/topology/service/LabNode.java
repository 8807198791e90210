package dev.labfleet.topology.service;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.common.gns3.LenientInteger;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A node of a lab as the service layer has it: GNS3's node (read from GNS3's JSON, in its vocabulary, the fields that
 * matter to a topology) with its Labfleet labels. Also the data of the {@code lab.node.created} and
 * {@code lab.node.updated} events, hence GNS3's snake_case names.
 *
 * @param status GNS3's {@code started}, {@code stopped} or {@code suspended}
 * @param ports  the node's ports: name, short name, {@code adapter_number}/{@code port_number}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabNode(
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

    public LabNode withLabels(Map<String, String> value) {
        return new LabNode(nodeId, projectId, name, nodeType, templateId, computeId, status, consoleType, consoleHost,
                console, x, y, z, locked, symbol, properties, ports, value == null ? Map.of() : value);
    }
}
