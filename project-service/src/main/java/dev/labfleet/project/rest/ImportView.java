package dev.labfleet.project.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.project.service.ImportState;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An import: {@code running} while the archive streams to GNS3 and the lab is recorded, then {@code succeeded}
 * (the lab is {@code projectId}) or {@code failed} ({@code error}, and {@code errorStatus} the HTTP status a blocking
 * caller got for it; nothing of the import is left, on GNS3 or here). {@code attempts} above 1: the replica receiving
 * the archive stopped and another ended the import.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportView(UUID importId, UUID projectId, UUID serverId, String name, String owner, String status,
                         Long receivedBytes, String error, Integer errorStatus, int attempts,
                         OffsetDateTime createdAt, OffsetDateTime finishedAt) {

    public static ImportView of(ImportState i) {
        return new ImportView(i.importId(), i.projectId(), i.serverId(), i.name(), i.owner(), i.status(),
                i.receivedBytes(), i.error(), i.errorStatus(), i.attempts(), i.createdAt(), i.finishedAt());
    }

    public boolean ended() {
        return !"running".equals(status);
    }
}
