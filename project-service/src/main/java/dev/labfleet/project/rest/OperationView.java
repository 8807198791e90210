package dev.labfleet.project.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.project.service.OperationState;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A staggered start or stop: progress while it runs, the full per-node report when done. {@code attempts} is 1 when
 * the replica that accepted it ran it, more when other replicas resumed it; a node's {@code outcome} is {@code sent}
 * while its action is under way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OperationView(UUID operationId, UUID projectId, String kind, String status, int total, int done,
                            int failed, int skipped, String error, int attempts, OffsetDateTime createdAt,
                            OffsetDateTime finishedAt, List<NodeResultView> results) {

    public record NodeResultView(String nodeId, String name, int batch, String outcome, String reason) {
    }

    public static OperationView of(OperationState op) {
        return new OperationView(op.operationId(), op.projectId(), op.kind(), op.status(), op.total(), op.done(),
                op.failed(), op.skipped(), op.error(), op.attempts(), op.createdAt(), op.finishedAt(),
                op.results() == null ? null : op.results().stream()
                        .map(r -> new NodeResultView(r.nodeId(), r.name(), r.batch(), r.outcome(), r.reason()))
                        .toList());
    }
}
