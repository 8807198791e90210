package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An evacuation: its server, its counts and one move per lab.
 *
 * @param state   {@code running} until every move ended, then {@code finished}
 * @param skipped labs not moved and why ({@code [{projectId, reason}]})
 */
public record EvacuationView(UUID evacuationId, UUID serverId, UUID targetServerId, boolean includeSnapshots,
                             int concurrency, String state, int total, int moved, int failed, int pending,
                             JsonNode skipped, List<MoveView> moves, OffsetDateTime createdAt,
                             OffsetDateTime finishedAt) {
}
