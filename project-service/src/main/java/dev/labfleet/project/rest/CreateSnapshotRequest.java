package dev.labfleet.project.rest;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** A new snapshot of a lab (GNS3 refuses while nodes run: stop them first). */
public record CreateSnapshotRequest(@NotBlank @Size(max = 100) String name) {
}
