package dev.labfleet.topology.service;

import dev.labfleet.topology.spec.LinkConditions;

import java.util.UUID;

/**
 * A link to make between two free ports.
 *
 * @param linkId     optional, for safe retries: a create repeated with the same id answers the link made the first time
 * @param conditions its conditions, or null for none
 */
public record NewLink(UUID linkId, End a, End b, LinkConditions conditions, Boolean suspend) {

    /**
     * One end: a node (id or name) and a port, either GNS3's adapter and port numbers ({@code adapter} given, then
     * {@code port} is a number) or a port name.
     */
    public record End(String node, Integer adapter, String port) {
    }
}
