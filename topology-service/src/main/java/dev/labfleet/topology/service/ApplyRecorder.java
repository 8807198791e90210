package dev.labfleet.topology.service;

import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.domain.AppliedTopology;
import dev.labfleet.topology.domain.ApplyOperation;
import dev.labfleet.topology.messaging.TopologyEvents;
import dev.labfleet.topology.repository.AppliedTopologyRepository;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.TopologySpec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * What is kept of applies: each as an operation any replica can report (RUNNING, then how it ended), and for the
 * lab the spec last applied, as its desired state (for drift), written with its event in one transaction.
 */
@ApplicationScoped
public class ApplyRecorder {

    private static final Logger LOG = Logger.getLogger(ApplyRecorder.class);

    private final AppliedTopologyRepository applied;
    private final TopologyEvents events;
    private final TopologyConfig config;

    public ApplyRecorder(AppliedTopologyRepository applied, TopologyEvents events, TopologyConfig config) {
        this.applied = applied;
        this.events = events;
        this.config = config;
    }

    /** Records an accepted apply as running, held by {@code owner} under a lease its heartbeat renews. */
    Uni<ApplyState> start(UUID applyId, UUID projectId, String user, String owner) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        ApplyOperation op = new ApplyOperation();
        op.id = applyId;
        op.projectId = projectId;
        op.status = ApplyOperation.RUNNING;
        op.appliedBy = user;
        op.owner = owner;
        op.leaseUntil = now.plus(config.apply().lockLease());
        op.createdAt = now;
        return Panache.withTransaction(() -> op.persist()).map(ignored -> ApplyState.of(op, null));
    }

    /** One apply as recorded; 404 unless it is an apply of this lab. */
    Uni<ApplyState> operation(UUID projectId, UUID applyId) {
        return Panache.withSession(() -> ApplyOperation.<ApplyOperation>findById(applyId))
                .map(op -> {
                    if (op == null || !op.projectId.equals(projectId)) {
                        throw new ProblemException(ProblemException.notFound("lab " + projectId
                                + " has no apply " + applyId).problem().with("projectId", projectId));
                    }
                    return ApplyState.of(op, readReport(op.report));
                });
    }

    /**
     * The spec becomes the lab's desired state, with how its apply ended; the event commits with it, and the
     * operation ends with the record, in the same transaction (unless it was swept as interrupted meanwhile).
     */
    Uni<ApplyState> finish(UUID applyId, String owner, ApplyReport report, TopologySpec spec, String user) {
        String reportJson;
        try {
            reportJson = CloudEventCodec.mapper().writeValueAsString(report);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("unwritable apply report", e));
        }
        return Panache.withTransaction(() -> applied.findById(report.projectId()).chain(existing -> {
            AppliedTopology row = existing != null ? existing : new AppliedTopology();
            row.projectId = report.projectId();
            row.spec = SpecCodec.compact(spec);
            row.status = report.status();
            row.appliedAt = report.startedAt();
            row.appliedBy = user;
            row.changes = report.results().size();
            row.failures = report.failed() + report.skipped();
            row.durationMs = report.durationMs();
            Uni<AppliedTopology> saved = existing != null ? Uni.createFrom().item(row) : applied.persist(row);
            return saved.chain(() -> events.publish(report.projectId(), ApplyEventPayload.type(report),
                    report.projectId().toString(), ApplyEventPayload.data(report, spec)));
        }).chain(() -> ApplyOperation.<ApplyOperation>findById(applyId)).map(op -> {
            if (op != null && ApplyOperation.RUNNING.equals(op.status) && owner.equals(op.owner)) {
                op.status = report.status().name();
                op.report = reportJson;
                op.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                op.owner = null;
                op.leaseUntil = null;
            }
            return ApplyState.of(op, report);
        }));
    }

    /** The apply could not proceed (the lab could not be read, the lock was lost): recorded with its problem. */
    Uni<Void> fail(UUID applyId, String owner, Throwable e) {
        int status = e instanceof ProblemException p ? p.problem().status() : 502;
        String detail = e instanceof ProblemException p ? p.problem().detail()
                : "failed: " + UpstreamProblems.describe(e);
        return Panache.withTransaction(() -> ApplyOperation.<ApplyOperation>findById(applyId).invoke(op -> {
                    if (op != null && ApplyOperation.RUNNING.equals(op.status) && owner.equals(op.owner)) {
                        op.status = ApplyOperation.ERROR;
                        op.error = detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail;
                        op.errorStatus = status;
                        op.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                        op.owner = null;
                        op.leaseUntil = null;
                    }
                })).replaceWithVoid()
                .onFailure().invoke(f -> LOG.warnf("apply %s: its failure could not be recorded: %s", applyId, f))
                .onFailure().recoverWithNull();
    }

    private static ApplyReport readReport(String json) {
        if (json == null) {
            return null;
        }
        try {
            return CloudEventCodec.mapper().readValue(json, ApplyReport.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable apply report", e);
        }
    }
}
