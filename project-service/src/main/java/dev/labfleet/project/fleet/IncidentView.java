package dev.labfleet.project.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A failover: a lab whose server stayed down past the grace time, restored from its last backup on another server.
 *
 * @param state            {@code restoring}, {@code restored} or {@code failed} (its error says why)
 * @param lost             what the restore lost: everything changed after the backup
 * @param staleCopyRemoved the copy left on the dead server was deleted once that server returned
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IncidentView(UUID incidentId, UUID projectId, UUID failedServerId, UUID restoredServerId, String state,
                           UUID backupId, OffsetDateTime backupTakenAt, String lost, String error,
                           boolean staleCopyRemoved, OffsetDateTime createdAt, OffsetDateTime finishedAt) {
}
