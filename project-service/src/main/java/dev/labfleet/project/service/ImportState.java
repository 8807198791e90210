package dev.labfleet.project.service;

import dev.labfleet.project.domain.LabImport;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An import: {@code running}, then {@code succeeded} (the lab is {@code projectId}) or {@code failed} ({@code error},
 * and {@code errorStatus} the HTTP status a blocking caller got for it).
 */
public record ImportState(UUID importId, UUID projectId, UUID serverId, String name, String owner, String status,
                          Long receivedBytes, String error, Integer errorStatus, int attempts,
                          OffsetDateTime createdAt, OffsetDateTime finishedAt) {

    public static ImportState of(LabImport i) {
        return new ImportState(i.id, i.projectId, i.serverId, i.name, i.labOwner, i.status.name().toLowerCase(),
                i.receivedBytes, i.error, i.errorStatus, i.attempts, i.createdAt, i.finishedAt);
    }

    public boolean ended() {
        return !"running".equals(status);
    }
}
