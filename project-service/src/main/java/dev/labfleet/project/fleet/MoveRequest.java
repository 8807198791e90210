package dev.labfleet.project.fleet;

import java.util.UUID;

/**
 * The optional body of {@code POST /api/v1/projects/{projectId}/move}.
 *
 * @param targetServerId   the server to move to; null = placement chooses among the others (draining ones never)
 * @param includeSnapshots bring the lab's snapshots along [true]
 */
public record MoveRequest(UUID targetServerId, Boolean includeSnapshots) {
}
