package dev.labfleet.project.fleet;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The body of {@code PUT /api/v1/projects/{projectId}/backup-policy}.
 *
 * @param intervalSeconds  how often the lab is exported (at least labfleet.project.backups.min-interval)
 * @param keep             how many backups are kept (older ones are deleted)
 * @param includeSnapshots back the lab's snapshots up too [false]
 * @param failover         restore the lab from its last backup on another server when its server stays down past
 *                         the grace time [false]
 */
public record BackupPolicyRequest(@NotNull @Min(1) @Max(31_536_000) Integer intervalSeconds,
                                  @NotNull @Min(1) @Max(100) Integer keep,
                                  Boolean includeSnapshots,
                                  Boolean failover) {
}
