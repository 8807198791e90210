package dev.labfleet.project.fleet;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One backup of a lab, kept in PostgreSQL outside every GNS3 server: where it was taken, its size, and what the lab
 * looked like then (opened, nodes and how many ran, links, snapshots).
 */
public record BackupView(UUID backupId, UUID projectId, UUID serverId, long size, boolean includeSnapshots,
                         boolean opened, int nodes, int runningNodes, int links, int snapshots,
                         OffsetDateTime takenAt) {
}
