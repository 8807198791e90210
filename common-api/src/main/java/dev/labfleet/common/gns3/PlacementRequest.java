package dev.labfleet.common.gns3;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lab's needs, for {@code POST /api/v1/placements}.
 *
 * @param nodeCount      nodes the lab will run (0 when unknown)
 * @param ramMb          RAM the lab needs, in MB (0 when unknown)
 * @param requiredLabels labels a server must carry, all of them, with these values
 * @param avoidServers   servers not to choose
 * @param strategy       least-loaded (default), round-robin or pinned; null = the gateway's configured default
 * @param serverId       the server for the pinned strategy
 */
@com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
public record PlacementRequest(
        @PositiveOrZero @Max(100_000) Integer nodeCount,
        @PositiveOrZero @Max(100_000_000) Long ramMb,
        @Size(max = 50) Map<String, String> requiredLabels,
        @Size(max = 1000) List<UUID> avoidServers,
        @Pattern(regexp = "least-loaded|round-robin|pinned", message = "must be one of least-loaded, round-robin, pinned") String strategy,
        UUID serverId) {
}
