package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.topology.service.LabLink;
import dev.labfleet.topology.spec.LinkConditions;

import java.util.List;
import java.util.UUID;

/**
 * A link of a lab: its two ends (node id and name, GNS3's adapter and port numbers and the port's name), its
 * conditions (and the GNS3 filters they are), suspension and capture.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkView(
        UUID linkId,
        UUID projectId,
        String linkType,
        List<End> nodes,
        LinkConditions conditions,
        JsonNode filters,
        boolean suspend,
        boolean capturing,
        String captureFileName) {

    /** One end. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record End(UUID nodeId, String nodeName, Integer adapterNumber, Integer portNumber, String portName) {
    }

    public static LinkView of(LabLink l) {
        return new LinkView(l.linkId(), l.projectId(), l.linkType(), l.nodes() == null ? null : l.nodes().stream()
                .map(e -> new End(e.nodeId(), e.nodeName(), e.adapterNumber(), e.portNumber(), e.portName()))
                .toList(), l.conditions(), l.filters(), l.suspend(), l.capturing(), l.captureFileName());
    }
}
