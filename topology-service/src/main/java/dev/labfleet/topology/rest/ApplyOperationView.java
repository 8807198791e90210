package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.topology.domain.ApplyOperation;
import dev.labfleet.topology.plan.TopologyPlan;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One apply as an operation: while it runs, who asked and when ({@code status} RUNNING); once it ended, its
 * {@link ApplyReport}'s fields as well (status UNCHANGED, APPLIED, PARTIAL or FAILED), or INTERRUPTED (the replica
 * running it stopped: apply again) or ERROR (it could not proceed; {@code error} and {@code errorStatus} say why).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplyOperationView(UUID applyId, UUID projectId, UUID serverId, String status,
                                 TopologyPlan.Summary summary, Integer done, Integer failed, Integer skipped,
                                 OffsetDateTime startedAt, Long durationMs, List<ApplyReport.Result> results,
                                 String appliedBy, OffsetDateTime createdAt, OffsetDateTime finishedAt, String error,
                                 Integer errorStatus) {

    public static ApplyOperationView of(ApplyOperation op, ApplyReport report) {
        return new ApplyOperationView(op.id, op.projectId, report == null ? null : report.serverId(), op.status,
                report == null ? null : report.summary(), report == null ? null : report.done(),
                report == null ? null : report.failed(), report == null ? null : report.skipped(),
                report == null ? null : report.startedAt(), report == null ? null : report.durationMs(),
                report == null ? null : report.results(), op.appliedBy, op.createdAt, op.finishedAt, op.error,
                op.errorStatus);
    }

    /** True once the apply ended, whichever way. */
    public boolean ended() {
        return !ApplyOperation.RUNNING.equals(status);
    }
}
