package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.topology.domain.ApplyOperation;
import dev.labfleet.topology.plan.Action;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.service.ApplyReport;
import dev.labfleet.topology.service.ApplyState;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One apply as an operation: while it runs, who asked and when ({@code status} RUNNING); once it ended, its report's
 * fields as well (status UNCHANGED, APPLIED, PARTIAL or FAILED), or INTERRUPTED (the replica running it stopped:
 * apply again) or ERROR (it could not proceed; {@code error} and {@code errorStatus} say why).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApplyOperationView(UUID applyId, UUID projectId, UUID serverId, String status,
                                 TopologyPlan.Summary summary, Integer done, Integer failed, Integer skipped,
                                 OffsetDateTime startedAt, Long durationMs, List<Result> results,
                                 String appliedBy, OffsetDateTime createdAt, OffsetDateTime finishedAt, String error,
                                 Integer errorStatus) {

    /**
     * One change's result.
     *
     * @param kind    {@code node} or {@code link}
     * @param id      the node's or link's GNS3 id (for a node made from a template, the id GNS3 gave it)
     * @param name    the node's name, or the link's ends ({@code PC1:e0 <-> SW1:e3})
     * @param reason  why the plan made this change
     * @param status  the HTTP status of the failure (GNS3's 409, the gateway's 503...), null unless FAILED
     * @param detail  why it failed or was skipped
     */
    public record Result(String kind, Action action, UUID id, String name, String reason, Outcome outcome,
                         Integer status, String detail) {
    }

    public enum Outcome { DONE, FAILED, SKIPPED }

    public static ApplyOperationView of(ApplyState state) {
        ApplyReport report = state.report();
        return new ApplyOperationView(state.applyId(), state.projectId(), report == null ? null : report.serverId(),
                state.status(), report == null ? null : report.summary(), report == null ? null : report.done(),
                report == null ? null : report.failed(), report == null ? null : report.skipped(),
                report == null ? null : report.startedAt(), report == null ? null : report.durationMs(),
                report == null ? null : report.results().stream().map(ApplyOperationView::result).toList(),
                state.appliedBy(), state.createdAt(), state.finishedAt(), state.error(), state.errorStatus());
    }

    private static Result result(ApplyReport.Result r) {
        return new Result(r.kind(), r.action(), r.id(), r.name(), r.reason(), Outcome.valueOf(r.outcome().name()), r.status(),
                r.detail());
    }

    /** True once the apply ended, whichever way. */
    public boolean ended() {
        return !ApplyOperation.RUNNING.equals(status);
    }
}
