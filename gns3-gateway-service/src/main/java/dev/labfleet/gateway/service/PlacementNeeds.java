package dev.labfleet.gateway.service;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lab's needs, as placement reads them.
 *
 * @param nodeCount      nodes the lab will run (null or 0 when unknown)
 * @param requiredLabels labels a server must carry, all of them, with these values
 * @param avoidServers   servers not to choose
 * @param strategy       least-loaded, round-robin or pinned; null = the configured default
 * @param serverId       the server for the pinned strategy
 */
public record PlacementNeeds(Integer nodeCount, Long ramMb, Map<String, String> requiredLabels,
                             List<UUID> avoidServers, String strategy, UUID serverId) {
}
