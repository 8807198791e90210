package dev.labfleet.monitoring.model;

import java.util.List;

/**
 * A link of a lab. {@code ends.get(0)} is side {@code a} of the traffic figures, {@code ends.get(1)} side {@code b}.
 */
public record LinkState(String linkId, String projectId, List<End> ends, boolean suspended, boolean capturing) {

    public record End(String nodeId, int adapterNumber, int portNumber) {
    }
}
