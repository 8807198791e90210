package dev.labfleet.project.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A lab's backup policy: when the next backup is due and why the last scheduled one failed, if it did. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupPolicyView(UUID projectId, int intervalSeconds, int keep, boolean includeSnapshots,
                               boolean failover, OffsetDateTime nextDue, String lastError, String updatedBy,
                               OffsetDateTime updatedAt) {
}
