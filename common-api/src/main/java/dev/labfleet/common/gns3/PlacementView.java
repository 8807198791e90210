package dev.labfleet.common.gns3;

import java.util.List;
import java.util.UUID;

/**
 * The server chosen for a lab, why, and the others considered.
 *
 * @param runnersUp eligible servers that were not chosen, best first
 * @param rejected  servers that were not eligible, with the reason
 */
public record PlacementView(
        UUID serverId,
        String serverName,
        String strategy,
        Double score,
        List<String> reasons,
        List<Candidate> runnersUp,
        List<Candidate> rejected) {

    /** A server considered: its score (lower is better; null when not eligible) and the reasons. */
    public record Candidate(UUID serverId, String serverName, Double score, List<String> reasons) {
    }
}
