package dev.labfleet.project.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A snapshot of a lab; {@code createdBy} is absent for snapshots taken outside Labfleet (e.g. in the GNS3 GUI). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotView(UUID snapshotId, UUID projectId, String name, OffsetDateTime createdAt, String createdBy,
                           OffsetDateTime restoredAt, String restoredBy) {
}
