package dev.labfleet.gateway.service;

import java.util.List;
import java.util.UUID;

/**
 * The server chosen for a lab (none when no server is eligible), why, and the others considered.
 *
 * @param runnersUp eligible servers that were not chosen, best first
 * @param rejected  servers that were not eligible, with the reason
 */
public record Placement(UUID serverId, String serverName, String strategy, Double score, List<String> reasons,
                        List<Considered> runnersUp, List<Considered> rejected) {

    /** A server considered: its score (lower is better; null when not eligible) and the reasons. */
    public record Considered(UUID serverId, String serverName, Double score, List<String> reasons) {
    }
}
