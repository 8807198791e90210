package dev.labfleet.project.service;

import dev.labfleet.project.domain.Operation;
import dev.labfleet.project.domain.OperationResult;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A staggered start or stop: progress while it runs, the per-node results when done (null while it runs).
 * {@code attempts} is above 1 when other replicas resumed it.
 */
public record OperationState(UUID operationId, UUID projectId, String kind, String status, int total, int done,
                             int failed, int skipped, String error, int attempts, OffsetDateTime createdAt,
                             OffsetDateTime finishedAt, List<NodeResult> results) {

    /** One node's result; {@code outcome} is {@code sent} while its action is under way. */
    public record NodeResult(String nodeId, String name, int batch, String outcome, String reason) {
    }

    public static OperationState of(Operation op, List<OperationResult> results) {
        return new OperationState(op.id, op.projectId, op.kind.name().toLowerCase(), op.status.name().toLowerCase(),
                op.total, op.done, op.failed, op.skipped, op.error, op.attempts, op.createdAt, op.finishedAt,
                results == null ? null : results.stream()
                        .map(r -> new NodeResult(r.nodeId, r.nodeName, r.batch, r.outcome.toLowerCase(), r.reason))
                        .toList());
    }
}
