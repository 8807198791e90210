package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
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
}
