package dev.labfleet.project.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A snapshot of a lab; {@code createdBy} is null for snapshots taken outside Labfleet (e.g. in the GNS3 GUI). Also
 * the data of the {@code lab.snapshot.created} event, which leaves nulls out.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LabSnapshot(UUID snapshotId, UUID projectId, String name, OffsetDateTime createdAt, String createdBy,
                          OffsetDateTime restoredAt, String restoredBy) {
}
