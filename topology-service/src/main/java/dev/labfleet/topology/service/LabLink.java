package dev.labfleet.topology.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.topology.spec.LinkConditions;

import java.util.List;
import java.util.UUID;

/**
 * A link of a lab as the service layer has it: its two ends (node id and name, GNS3's adapter and port numbers and
 * the port's name), its conditions (and the GNS3 filters they are), suspension and capture. Also the data of the
 * {@code lab.link.created} and {@code lab.link.updated} events, hence GNS3's snake_case names.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabLink(
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
}
