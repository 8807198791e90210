package dev.labfleet.project.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.project.client.GatewayClient;
import dev.labfleet.project.config.ProjectConfig;
import dev.labfleet.project.domain.Operation;
import dev.labfleet.project.domain.OperationResult;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.rest.BulkActionRequest;
import dev.labfleet.project.rest.OperationView;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Staggered start and stop of a lab's nodes as operations: accepted at once (202), run in the background by the
 * replica that accepted them, with progress and per-node results in PostgreSQL so any replica can report them.
 */
@ApplicationScoped
public class OperationService {

    private static final Logger LOG = Logger.getLogger(OperationService.class);
    /** A running operation whose replica has not written for this long is marked interrupted. */
    private static final Duration STALE = Duration.ofMinutes(10);

    private final ProjectService projects;
    private final GatewayClient gateway;
    private final ProjectEvents events;
    private final ProjectConfig config;
    private final Vertx vertx;

    public OperationService(ProjectService projects, GatewayClient gateway, ProjectEvents events, ProjectConfig config,
                            Vertx vertx) {
        this.projects = projects;
        this.gateway = gateway;
        this.events = events;
        this.config = config;
        this.vertx = vertx;
    }

    @WithSession
    public Uni<OperationView> begin(UUID projectId, Operation.Kind kind, BulkActionRequest request) {
        BulkActionRequest r = request == null ? new BulkActionRequest(null, null, null, null) : request;
        return projects.find(projectId).chain(project -> {
            if (project.status != ProjectStatus.OPENED) {
                return Uni.createFrom().failure(new ProblemException(ProblemException.conflict(
                        "lab " + projectId + " is " + project.status.name().toLowerCase()
                                + ": open it before starting or stopping its nodes").problem().with("projectId", projectId)));
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Operation op = new Operation();
            op.id = UUID.randomUUID();
            op.projectId = projectId;
            op.kind = kind;
            op.status = Operation.Status.RUNNING;
            op.batchSize = r.batchSize() != null ? r.batchSize() : config.bulk().batchSize();
            op.delayMs = r.delayMs() != null ? r.delayMs() : config.bulk().delay().toMillis();
            op.stopOnFirstError = Boolean.TRUE.equals(r.stopOnFirstError());
            op.createdAt = now;
            op.heartbeatAt = now;
            UUID serverId = project.serverId;
            Map<String, Integer> priorities = r.priorities() != null && !r.priorities().isEmpty() ? r.priorities()
                    : project.priorities();
            return Panache.withTransaction(() -> op.persist())
                    .invoke(() -> launch(op.id, serverId, projectId, kind, priorities))
                    .map(ignored -> OperationView.of(op, null));
        });
    }

    /** Runs the operation on a fresh context of its own, so it outlives the request that started it. */
    private void launch(UUID operationId, UUID serverId, UUID projectId, Operation.Kind kind,
                        Map<String, Integer> priorities) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        // Hibernate Reactive wants an isolated context of its own: this one is, nothing else runs on it.
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> execute(operationId, serverId, projectId, kind, priorities).subscribe().with(
                op -> LOG.infof("operation %s (%s of %s): %s, %d done, %d failed, %d skipped", op.id, op.kind,
                        projectId, op.status, op.done, op.failed, op.skipped),
                e -> LOG.errorf(e, "operation %s of %s could not be recorded", operationId, projectId)));
    }

    Uni<Operation> execute(UUID operationId, UUID serverId, UUID projectId, Operation.Kind kind,
                           Map<String, Integer> priorities) {
        String action = kind == Operation.Kind.START ? "start" : "stop";
        Map<String, String> types = new java.util.HashMap<>();
        return gateway.listNodes(serverId, projectId)
                .invoke(nodes -> nodes.forEach(n -> types.put(n.path("node_id").asText(), n.path("node_type").asText())))
                .map(nodes -> targets(nodes, priorities))
                .chain(targets -> update(operationId, op -> op.total = targets.size())
                        .chain(op -> StaggeredRun.run(targets,
                                new StaggeredRun.Options(op.batchSize, Duration.ofMillis(op.delayMs), op.stopOnFirstError),
                                target -> act(serverId, projectId, target, types.get(target.nodeId()), action),
                                result -> { },
                                batch -> record(operationId, batch))))
                .chain(results -> finish(operationId, null))
                .onFailure().recoverWithUni(e -> finish(operationId, e.getMessage()));
    }

    /** GNS3's builtin devices have no process: they are always "started", and a stop leaves them so. */
    private static final java.util.Set<String> ALWAYS_STARTED = java.util.Set.of("ethernet_switch", "ethernet_hub",
            "cloud", "nat", "frame_relay_switch", "atm_switch");

    /**
     * Starts or stops one node and checks that it did: GNS3 can accept a start (200) and leave the node stopped (a
     * node whose previous start failed half-way), and its answer's status can lag. The node is read back, a few
     * times over about 6 s, until it shows the status asked for;
     * otherwise it is a failure with the status GNS3 shows.
     */
    private Uni<Void> act(UUID serverId, UUID projectId, StaggeredRun.Target target, String nodeType, String action) {
        String expected = action.equals("start") || ALWAYS_STARTED.contains(nodeType) ? "started" : "stopped";
        return gateway.nodeAction(serverId, projectId, target.nodeId(), action).chain(answer -> {
            if (expected.equals(answer.path("status").asText())) {
                return Uni.createFrom().voidItem();
            }
            String[] seen = {answer.path("status").asText("unknown")};
            return Uni.createFrom().deferred(() -> gateway.getNode(serverId, projectId, target.nodeId()))
                    .invoke(node -> seen[0] = node.path("status").asText("unknown"))
                    .map(node -> {
                        if (!expected.equals(seen[0])) {
                            throw new IllegalStateException("not yet " + expected);
                        }
                        return node;
                    })
                    .onFailure(IllegalStateException.class).retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(1))
                    .atMost(VERIFY_ATTEMPTS)
                    .onFailure(IllegalStateException.class).transform(e -> new IllegalStateException("GNS3 accepted the "
                            + action + " but the node is " + seen[0]))
                    .replaceWithVoid();
        });
    }

    private static final int VERIFY_ATTEMPTS = 8;

    private static List<StaggeredRun.Target> targets(JsonNode nodes, Map<String, Integer> priorities) {
        List<StaggeredRun.Target> targets = new ArrayList<>();
        for (JsonNode node : nodes) {
            String name = node.path("name").asText(node.path("node_id").asText());
            Integer priority = priorities.get(name);
            targets.add(new StaggeredRun.Target(node.path("node_id").asText(), name,
                    priority == null ? Map.of() : Map.of(StaggeredRun.PRIORITY_LABEL, priority.toString())));
        }
        return targets;
    }

    private Uni<Void> record(UUID operationId, List<StaggeredRun.NodeResult> batch) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(result -> {
                    OperationResult row = new OperationResult();
                    row.operationId = operationId;
                    row.nodeId = result.nodeId();
                    row.nodeName = result.name();
                    row.batch = result.batch();
                    row.outcome = result.outcome().name();
                    row.reason = result.reason();
                    row.finishedAt = now;
                    return row.persist();
                })
                .collect().last()
                .chain(() -> Operation.<Operation>findById(operationId))
                .invoke(op -> {
                    for (StaggeredRun.NodeResult result : batch) {
                        switch (result.outcome()) {
                            case DONE -> op.done++;
                            case FAILED -> op.failed++;
                            case SKIPPED -> op.skipped++;
                        }
                    }
                    op.heartbeatAt = now;
                })).replaceWithVoid();
    }

    private Uni<Operation> finish(UUID operationId, String error) {
        return Panache.withTransaction(() -> Operation.<Operation>findById(operationId).chain(op -> {
            op.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
            op.heartbeatAt = op.finishedAt;
            if (error != null) {
                op.status = Operation.Status.FAILED;
                op.error = error;
            } else if (op.failed > 0 || op.skipped > 0) {
                op.status = op.done == 0 ? Operation.Status.FAILED : Operation.Status.PARTIAL;
            } else {
                op.status = Operation.Status.SUCCEEDED;
            }
            return Project.<Project>findById(op.projectId).chain(project -> {
                if (project == null) {
                    return Uni.createFrom().item(op);
                }
                ObjectNode data = CloudEventCodec.mapper().createObjectNode();
                data.put("projectId", op.projectId.toString()).put("operationId", op.id.toString())
                        .put("status", op.status.name().toLowerCase()).put("total", op.total).put("done", op.done)
                        .put("failed", op.failed).put("skipped", op.skipped);
                String type = op.kind == Operation.Kind.START ? EventTypes.LAB_PROJECT_STARTED
                        : EventTypes.LAB_PROJECT_STOPPED;
                return events.publish(type, project, data).replaceWith(op);
            });
        }));
    }

    private Uni<Operation> update(UUID operationId, java.util.function.Consumer<Operation> change) {
        return Panache.withTransaction(() -> Operation.<Operation>findById(operationId).invoke(op -> {
            change.accept(op);
            op.heartbeatAt = OffsetDateTime.now(ZoneOffset.UTC);
        }));
    }

    @WithSession
    public Uni<OperationView> get(UUID operationId) {
        return Operation.<Operation>findById(operationId)
                .onItem().ifNull().failWith(() -> new ProblemException(ProblemException.notFound(
                        "operation " + operationId + " does not exist").problem().with("operationId", operationId)))
                .chain(op -> OperationResult.<OperationResult>find("operationId = ?1 order by seq", operationId).list()
                        .map(results -> OperationView.of(op, results)));
    }

    /** Operations whose replica died mid-way are marked interrupted; their results so far stay readable. */
    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweepInterrupted() {
        OffsetDateTime staleBefore = OffsetDateTime.now(ZoneOffset.UTC).minus(STALE);
        return Panache.withTransaction(() -> Operation.update(
                        "status = ?1, finishedAt = ?2, error = ?3 where status = ?4 and heartbeatAt < ?5",
                        Operation.Status.INTERRUPTED, OffsetDateTime.now(ZoneOffset.UTC),
                        "the replica running it stopped", Operation.Status.RUNNING, staleBefore))
                .replaceWithVoid().onFailure().recoverWithNull();
    }
}
