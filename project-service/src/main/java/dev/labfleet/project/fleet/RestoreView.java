package dev.labfleet.project.fleet;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A lab restored from a backup: on which server, and from which backup (everything changed after it is gone). */
public record RestoreView(UUID projectId, UUID backupId, UUID serverId, OffsetDateTime backupTakenAt) {
}
