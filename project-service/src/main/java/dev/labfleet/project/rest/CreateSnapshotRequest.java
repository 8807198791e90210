package dev.labfleet.project.rest;

import dev.labfleet.common.problem.ValidName;
import jakarta.validation.constraints.NotNull;

/** A new snapshot of a lab (GNS3 refuses while nodes run: stop them first). */
public record CreateSnapshotRequest(@NotNull @ValidName String name) {
}
