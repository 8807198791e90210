package dev.labfleet.project.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.project.service.LabSnapshot;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A snapshot of a lab; {@code createdBy} is absent for snapshots taken outside Labfleet (e.g. in the GNS3 GUI). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SnapshotView(UUID snapshotId, UUID projectId, String name, OffsetDateTime createdAt, String createdBy,
                           OffsetDateTime restoredAt, String restoredBy) {

    public static SnapshotView of(LabSnapshot s) {
        return new SnapshotView(s.snapshotId(), s.projectId(), s.name(), s.createdAt(), s.createdBy(), s.restoredAt(),
                s.restoredBy());
    }
}
