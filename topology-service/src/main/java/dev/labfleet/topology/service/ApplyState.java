package dev.labfleet.topology.service;

import dev.labfleet.topology.domain.ApplyOperation;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One apply as recorded: RUNNING while it runs; once it ended, UNCHANGED, APPLIED, PARTIAL or FAILED with its
 * {@link ApplyReport}, or INTERRUPTED (its replica stopped) or ERROR (it could not proceed; {@code error} and
 * {@code errorStatus} say why).
 *
 * @param report how it ended, null while it runs and when it was interrupted or could not proceed
 */
public record ApplyState(UUID applyId, UUID projectId, String status, String appliedBy, OffsetDateTime createdAt,
                         OffsetDateTime finishedAt, String error, Integer errorStatus, ApplyReport report) {

    static ApplyState of(ApplyOperation op, ApplyReport report) {
        return new ApplyState(op.id, op.projectId, op.status, op.appliedBy, op.createdAt, op.finishedAt, op.error,
                op.errorStatus, report);
    }

    /** True once the apply ended, whichever way. */
    public boolean ended() {
        return !ApplyOperation.RUNNING.equals(status);
    }
}
