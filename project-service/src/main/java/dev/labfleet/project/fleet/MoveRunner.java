package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.service.OperationService;
import dev.labfleet.project.service.ProjectState;
import dev.labfleet.project.service.StaggeredRun;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs moves. Every replica claims moves from PostgreSQL ({@code FOR UPDATE SKIP LOCKED}, within each evacuation's
 * concurrency, evacuation rows locked while counting so replicas never exceed it together), renews its leases while
 * it works, and writes each step before and after doing it. A move whose lease expired is taken over: before its
 * commit it is rolled back (the copy on the target deleted, the source reopened and its nodes restarted as they
 * were), after its commit it is finished (the source copy deleted). The commit is one transaction that points the
 * lab at the target, so a lab is on exactly one server in Labfleet's records at every moment, and GNS3 catches up.
 */
@ApplicationScoped
public class MoveRunner {

    private static final Logger LOG = Logger.getLogger(MoveRunner.class);

    /** A step failed: the move is rolled back, reporting the step and GNS3's or the gateway's reason. */
    static final class StepFailed extends RuntimeException {
        final Move.Step step;

        StepFailed(Move.Step step, String reason) {
            super(reason, null, false, false);
            this.step = step;
        }
    }

    private final String replica = "replica-" + UUID.randomUUID();
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final GatewayClient gateway;
    private final ProjectEvents events;
    private final FleetConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private volatile boolean stopping;

    public MoveRunner(GatewayClient gateway, ProjectEvents events, FleetConfig config, Pool pool,
                      Vertx vertx) {
        this.gateway = gateway;
        this.events = events;
        this.config = config;
        this.pool = pool;
        this.vertx = vertx;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** For tests: the moves this replica is running now. */
    public Set<UUID> runningHere() {
        return Set.copyOf(running);
    }

    public String replica() {
        return replica;
    }

    @Scheduled(every = "${labfleet.project.fleet.claim-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return renew().chain(this::claim)
                .invoke(ids -> ids.forEach(this::launch))
                .chain(this::finishEvacuations)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("fleet tick: %s", e.toString());
                    return null;
                });
    }

    private Uni<Void> renew() {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE fleet_move SET lease_until = now() + $1 * interval '1 millisecond' "
                        + "WHERE owner = $2 AND state = 'RUNNING' AND id = ANY($3)")
                .execute(Tuple.of(config.lease().toMillis(), replica, running.toArray(new UUID[0])))
                .replaceWithVoid();
    }

    private Uni<List<UUID>> claim() {
        int free = config.maxMovesPerReplica() - running.size();
        if (free <= 0) {
            return Uni.createFrom().item(List.of());
        }
        // evacuation rows locked first (in a fixed order): replicas count an evacuation's running moves one at a time
        String lockEvacuations = "SELECT id FROM fleet_evacuation WHERE state = 'RUNNING' ORDER BY id FOR UPDATE";
        String claim = """
                WITH locked AS (
                  SELECT m.id, m.evacuation_id, m.state, m.created_at FROM fleet_move m
                  WHERE (m.state = 'PENDING' OR (m.state = 'RUNNING' AND m.lease_until < now()))
                    -- never its own running moves: a late renewal (a busy machine) must not make this replica claim
                    -- a move it still runs, whose next write would then meet a version it did not expect
                    AND NOT (m.owner = $1 AND m.id = ANY($4))
                  ORDER BY m.created_at LIMIT 200 FOR UPDATE SKIP LOCKED
                ), ranked AS (
                  SELECT l.id, l.state, l.evacuation_id, l.created_at,
                         row_number() OVER (PARTITION BY l.evacuation_id, l.state ORDER BY l.created_at) AS n
                  FROM locked l
                ), chosen AS (
                  SELECT r.id FROM ranked r LEFT JOIN fleet_evacuation e ON e.id = r.evacuation_id
                  WHERE r.state = 'RUNNING' OR r.evacuation_id IS NULL
                     OR r.n <= e.concurrency - (SELECT count(*) FROM fleet_move x WHERE x.evacuation_id = r.evacuation_id
                                                AND x.state = 'RUNNING' AND x.lease_until >= now())
                  ORDER BY r.created_at LIMIT $2
                )
                UPDATE fleet_move m SET owner = $1, lease_until = now() + $3 * interval '1 millisecond',
                       attempts = m.attempts + CASE WHEN m.state = 'RUNNING' THEN 1 ELSE 0 END,
                       state = 'RUNNING', version = m.version + 1, updated_at = now()
                FROM chosen WHERE m.id = chosen.id RETURNING m.id""";
        return pool.withTransaction(connection -> connection.query(lockEvacuations).execute()
                .chain(() -> connection.preparedQuery(claim).execute(Tuple.of(replica, free, config.lease().toMillis(),
                        running.toArray(new UUID[0])))))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getUUID("id"));
                    }
                    return ids;
                });
    }

    private Uni<Void> finishEvacuations() {
        return pool.query("UPDATE fleet_evacuation e SET state = 'FINISHED', finished_at = now() WHERE e.state = 'RUNNING' "
                        + "AND NOT EXISTS (SELECT 1 FROM fleet_move m WHERE m.evacuation_id = e.id "
                        + "AND m.state IN ('PENDING', 'RUNNING'))")
                .execute().replaceWithVoid();
    }

    /** Runs a claimed move on a fresh context of its own (Hibernate Reactive wants one per flow). */
    private void launch(UUID moveId) {
        if (!running.add(moveId)) {
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> Uni.createFrom().deferred(() -> execute(moveId))
                .onTermination().invoke(() -> running.remove(moveId))
                .subscribe().with(
                        move -> LOG.infof("move %s of lab %s: %s", moveId, move.projectId, move.state),
                        e -> {
                            if (e instanceof LeaseLost) {
                                LOG.infof("%s", e.getMessage());
                            } else {
                                LOG.warnf("move %s: %s (its lease will run out and another replica resumes it)",
                                        moveId, e.toString());
                            }
                        }));
    }

    private Uni<Move> execute(UUID moveId) {
        return Panache.withSession(() -> Move.<Move>findById(moveId)).chain(move -> {
            if (move == null || move.state != Move.State.RUNNING || !replica.equals(move.owner)) {
                return Uni.createFrom().failure(new LeaseLost("move", moveId));
            }
            if (move.attempts > 0) {
                LOG.infof("move %s of lab %s: taken over at step %s (%s)", moveId, move.projectId, move.step,
                        move.committed ? "committed: finishing it" : "not committed: rolling it back");
                return move.committed ? finishAfterCommit(move)
                        : rollBack(move, move.step, "interrupted: the replica running it stopped at step "
                                + move.step.name().toLowerCase());
            }
            return forward(move);
        });
    }

    // ------------------------------------------------------------------ the steps

    private Uni<Move> forward(Move move) {
        Run ctx = new Run(move);
        return plan(ctx)
                .chain(() -> step(ctx, Move.Step.STOP_SOURCE, () -> stopSource(ctx)))
                .chain(() -> step(ctx, Move.Step.TRANSFER, () -> gateway.transfer(move.sourceServerId,
                        ctx.target, move.projectId, ctx.plan.name(), move.includeSnapshots).replaceWithVoid()))
                .chain(() -> step(ctx, Move.Step.OPEN_TARGET, () -> gateway.openProject(ctx.target, move.projectId)
                        .replaceWithVoid()))
                .chain(() -> step(ctx, Move.Step.RESTORE_LINKS, () -> restoreLinks(ctx)))
                .chain(() -> step(ctx, Move.Step.VERIFY, () -> verify(ctx)))
                .chain(() -> step(ctx, Move.Step.START_TARGET, () -> startTarget(ctx)))
                .chain(() -> step(ctx, Move.Step.CLOSE_TARGET, () -> ctx.plan.opened() ? Uni.createFrom().voidItem()
                        : gateway.closeProject(ctx.target, move.projectId)))
                .chain(() -> commit(ctx))
                .chain(committed -> finishAfterCommit(committed))
                .onFailure(StepFailed.class).recoverWithUni(e -> rollBack(ctx.move, ((StepFailed) e).step,
                        e.getMessage()));
    }

    /** The state of one run of a move. */
    private static final class Run {
        Move move;
        MovePlan plan;
        UUID target;

        Run(Move move) {
            this.move = move;
            this.plan = read(move.plan);
            this.target = move.targetServerId;
        }
    }

    /** Reads the lab on its source and chooses the target. */
    private Uni<Void> plan(Run ctx) {
        Move move = ctx.move;
        Uni<Project> project = Panache.withSession(() -> Project.<Project>findById(move.projectId));
        return guard(Move.Step.PLAN, project.chain(lab -> {
            if (lab == null) {
                throw new StepFailed(Move.Step.PLAN, "the lab was deleted");
            }
            if (!lab.serverId.equals(move.sourceServerId)) {
                throw new StepFailed(Move.Step.PLAN, "the lab is no longer on server " + move.sourceServerId);
            }
            return Uni.combine().all().unis(gateway.getProject(move.sourceServerId, move.projectId),
                    gateway.listNodes(move.sourceServerId, move.projectId),
                    gateway.listLinks(move.sourceServerId, move.projectId),
                    gateway.listSnapshots(move.sourceServerId, move.projectId)).asTuple()
                    .chain(t -> {
                        MovePlan plan = plan(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4());
                        return target(move, plan).map(target -> {
                            ctx.plan = plan;
                            ctx.target = target;
                            return plan;
                        });
                    });
        })).chain(plan -> save(ctx, Move.Step.PLAN, "done", "to server " + ctx.target + ": " + plan.nodes().size()
                + " nodes (" + plan.running() + " running), " + plan.links().size() + " links, "
                + plan.snapshots().size() + " snapshots, " + (plan.opened() ? "opened" : "closed"), m -> {
                    m.plan = write(plan);
                    m.targetServerId = ctx.target;
                }));
    }

    static MovePlan plan(JsonNode project, JsonNode nodes, JsonNode links, JsonNode snapshots) {
        Map<String, String> names = new HashMap<>();
        List<MovePlan.PlannedNode> planned = new ArrayList<>();
        for (JsonNode n : nodes) {
            String type = n.path("node_type").asText();
            names.put(n.path("node_id").asText(), n.path("name").asText());
            planned.add(new MovePlan.PlannedNode(n.path("name").asText(), n.path("node_id").asText(), type,
                    "started".equals(n.path("status").asText()) && !OperationService.ALWAYS_STARTED.contains(type)));
        }
        List<MovePlan.PlannedLink> plannedLinks = new ArrayList<>();
        for (JsonNode l : links) {
            plannedLinks.add(new MovePlan.PlannedLink(linkKey(l, names), l.path("filters"),
                    l.path("suspend").asBoolean(false)));
        }
        List<String> snapshotNames = new ArrayList<>();
        snapshots.forEach(s -> snapshotNames.add(s.path("name").asText()));
        return new MovePlan(project.path("name").asText(), "opened".equals(project.path("status").asText()), planned,
                plannedLinks, snapshotNames);
    }

    /** A link's ends by node name, adapter and port, sorted: what identifies it across GNS3's new ids. */
    static String linkKey(JsonNode link, Map<String, String> nodeNames) {
        TreeSet<String> ends = new TreeSet<>();
        for (JsonNode end : link.path("nodes")) {
            ends.add(nodeNames.getOrDefault(end.path("node_id").asText(), end.path("node_id").asText()) + "/"
                    + end.path("adapter_number").asInt() + "/" + end.path("port_number").asInt());
        }
        return String.join(" <-> ", ends);
    }

    /**
     * Placement's choice, never a server that still holds a copy an earlier failed move of the lab left behind (the
     * import would meet it, and the sweeper could delete the new copy): those are avoided, and one asked for by name
     * fails the plan.
     */
    private Uni<UUID> target(Move move, MovePlan plan) {
        return LeftoverSweeper.pendingServers(pool, move.projectId).chain(leftovers -> {
            if (move.requestedTargetId != null && leftovers.contains(move.requestedTargetId)) {
                throw new StepFailed(Move.Step.PLAN, LeftoverSweeper.blocked(move.projectId, move.requestedTargetId));
            }
            List<UUID> avoid = new ArrayList<>(leftovers);
            avoid.add(move.sourceServerId);
            PlacementRequest needs = new PlacementRequest(plan.nodes().size(), null, null, avoid,
                    move.requestedTargetId != null ? "pinned" : null, move.requestedTargetId);
            return gateway.place(needs).map(view -> view.serverId());
        });
    }

    /** Real GNS3 refuses to export a project with running nodes: they are stopped first (and restarted on rollback). */
    private Uni<Void> stopSource(Run ctx) {
        List<StaggeredRun.Target> targets = ctx.plan.nodes().stream().filter(MovePlan.PlannedNode::running)
                .map(n -> new StaggeredRun.Target(n.nodeId(), n.name(), Map.of())).toList();
        return runNodes(ctx.move.sourceServerId, ctx.move.projectId, targets, "stop", Duration.ZERO);
    }

    private Uni<Void> restoreLinks(Run ctx) {
        List<MovePlan.PlannedLink> wanted = ctx.plan.links().stream().filter(MovePlan.PlannedLink::conditioned).toList();
        if (wanted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return targetLinks(ctx).chain(byKey -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (MovePlan.PlannedLink link : wanted) {
                String linkId = byKey.get(link.key());
                if (linkId == null) {
                    return Uni.createFrom().failure(new IllegalStateException("link " + link.key()
                            + " is missing on the target"));
                }
                ObjectNode body = CloudEventCodec.mapper().createObjectNode();
                body.set("filters", link.filters() == null || link.filters().isMissingNode()
                        ? CloudEventCodec.mapper().createObjectNode() : link.filters());
                body.put("suspend", link.suspended());
                chain = chain.chain(() -> gateway.updateLink(ctx.target, ctx.move.projectId, linkId, body)
                        .replaceWithVoid());
            }
            return chain;
        });
    }

    private Uni<Map<String, String>> targetLinks(Run ctx) {
        return Uni.combine().all().unis(gateway.listNodes(ctx.target, ctx.move.projectId),
                gateway.listLinks(ctx.target, ctx.move.projectId)).asTuple().map(t -> {
                    Map<String, String> names = new HashMap<>();
                    t.getItem1().forEach(n -> names.put(n.path("node_id").asText(), n.path("name").asText()));
                    Map<String, String> byKey = new HashMap<>();
                    t.getItem2().forEach(l -> byKey.put(linkKey(l, names), l.path("link_id").asText()));
                    return byKey;
                });
    }

    /** The target holds what the source held: as many nodes and links, the same conditions, the snapshots. */
    private Uni<Void> verify(Run ctx) {
        UUID p = ctx.move.projectId;
        return Uni.combine().all().unis(gateway.listNodes(ctx.target, p), gateway.listLinks(ctx.target, p),
                gateway.listSnapshots(ctx.target, p)).asTuple().map(t -> {
                    List<String> problems = new ArrayList<>();
                    if (t.getItem1().size() != ctx.plan.nodes().size()) {
                        problems.add(t.getItem1().size() + " nodes on the target, " + ctx.plan.nodes().size()
                                + " on the source");
                    }
                    if (t.getItem2().size() != ctx.plan.links().size()) {
                        problems.add(t.getItem2().size() + " links on the target, " + ctx.plan.links().size()
                                + " on the source");
                    }
                    long suspended = 0;
                    for (JsonNode l : t.getItem2()) {
                        suspended += l.path("suspend").asBoolean(false) ? 1 : 0;
                    }
                    long wanted = ctx.plan.links().stream().filter(MovePlan.PlannedLink::suspended).count();
                    if (suspended != wanted) {
                        problems.add(suspended + " suspended links on the target, " + wanted + " on the source");
                    }
                    if (ctx.move.includeSnapshots && t.getItem3().size() != ctx.plan.snapshots().size()) {
                        problems.add(t.getItem3().size() + " snapshots on the target, " + ctx.plan.snapshots().size()
                                + " on the source");
                    }
                    if (!problems.isEmpty()) {
                        throw new IllegalStateException(String.join("; ", problems));
                    }
                    return null;
                });
    }

    private Uni<Void> startTarget(Run ctx) {
        if (ctx.plan.running() == 0) {
            return Uni.createFrom().voidItem();
        }
        Uni<Map<String, Integer>> priorities = Panache.withSession(() -> Project.<Project>findById(ctx.move.projectId))
                .map(p -> p == null ? Map.<String, Integer>of() : p.priorities());
        return Uni.combine().all().unis(gateway.listNodes(ctx.target, ctx.move.projectId), priorities).asTuple()
                .chain(t -> {
                    Map<String, String> idsByName = new HashMap<>();
                    t.getItem1().forEach(n -> idsByName.put(n.path("name").asText(), n.path("node_id").asText()));
                    List<StaggeredRun.Target> targets = new ArrayList<>();
                    for (MovePlan.PlannedNode n : ctx.plan.nodes()) {
                        if (n.running() && idsByName.containsKey(n.name())) {
                            Integer priority = t.getItem2().get(n.name());
                            targets.add(new StaggeredRun.Target(idsByName.get(n.name()), n.name(), priority == null
                                    ? Map.of() : Map.of(StaggeredRun.PRIORITY_LABEL, priority.toString())));
                        }
                    }
                    return runNodes(ctx.target, ctx.move.projectId, targets, "start", config.startDelay());
                });
    }

    /** Starts or stops nodes in staggered batches; any node that does not end as asked fails the step. */
    private Uni<Void> runNodes(UUID server, UUID projectId, List<StaggeredRun.Target> targets, String action,
                               Duration delay) {
        if (targets.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        String expected = action.equals("start") ? "started" : "stopped";
        return StaggeredRun.run(targets, new StaggeredRun.Options(config.startBatchSize(), delay, true),
                        target -> gateway.nodeAction(server, projectId, target.nodeId(), action)
                                .chain(answer -> expected.equals(answer.path("status").asText())
                                        ? Uni.createFrom().voidItem()
                                        : Uni.createFrom().deferred(() -> gateway.getNode(server, projectId, target.nodeId()))
                                        .map(node -> {
                                            if (!expected.equals(node.path("status").asText())) {
                                                throw new IllegalStateException("node " + target.name() + " is "
                                                        + node.path("status").asText() + ", not " + expected);
                                            }
                                            return null;
                                        })
                                        .onFailure(IllegalStateException.class).retry()
                                        .withBackOff(Duration.ofMillis(200), Duration.ofSeconds(1)).atMost(8)
                                        .replaceWithVoid()),
                        result -> { })
                .map(results -> {
                    List<String> failed = results.stream().filter(r -> r.outcome() == StaggeredRun.Outcome.FAILED)
                            .map(r -> r.name() + ": " + r.reason()).toList();
                    if (!failed.isEmpty()) {
                        throw new IllegalStateException("nodes did not " + action + ": " + String.join("; ", failed));
                    }
                    return null;
                });
    }

    /**
     * The point of no return, in one transaction: the lab's record points at the target, the move is committed, and
     * {@code lab.project.moved} (with {@code lab.project.updated} for the lab's other followers) is in the outbox.
     */
    private Uni<Move> commit(Run ctx) {
        return Panache.withTransaction(() -> Move.<Move>findById(ctx.move.id).chain(move -> {
            owned(move);
            return Project.<Project>findById(move.projectId).chain(lab -> {
                if (lab == null || !lab.serverId.equals(move.sourceServerId)) {
                    throw new StepFailed(Move.Step.COMMIT, lab == null ? "the lab was deleted during the move"
                            : "the lab's record changed server during the move");
                }
                OffsetDateTime now = now();
                lab.serverId = move.targetServerId;
                lab.status = ctx.plan.opened() ? ProjectStatus.OPENED : ProjectStatus.CLOSED;
                lab.updatedAt = now;
                move.committed = true;
                move.step = Move.Step.DELETE_SOURCE;
                progress(move, Move.Step.COMMIT, "done", "the lab is on server " + move.targetServerId);
                move.updatedAt = now;
                ObjectNode moved = CloudEventCodec.mapper().createObjectNode();
                moved.put("reason", move.evacuationId == null ? "move" : "evacuation")
                        .put("moveId", move.id.toString()).put("projectId", move.projectId.toString())
                        .put("fromServerId", move.sourceServerId.toString())
                        .put("toServerId", move.targetServerId.toString())
                        .put("includeSnapshots", move.includeSnapshots).put("at", now.toString());
                if (move.evacuationId != null) {
                    moved.put("evacuationId", move.evacuationId.toString());
                }
                moved.set("project", CloudEventCodec.mapper().valueToTree(ProjectState.of(lab)));
                return events.publish(EventTypes.LAB_PROJECT_MOVED, lab, moved)
                        .chain(() -> events.publish(EventTypes.LAB_PROJECT_UPDATED, lab))
                        .chain(() -> progressEvent(move, lab, Move.Step.COMMIT, "done", null))
                        .replaceWith(move);
            });
        })).onFailure(e -> !(e instanceof LeaseLost) && !(e instanceof StepFailed))
                .transform(e -> new StepFailed(Move.Step.COMMIT, reason(e)));
    }

    /** After the commit: the source copy goes; if that fails the move stays claimed-but-unleased and is retried. */
    private Uni<Move> finishAfterCommit(Move committed) {
        return gateway.deleteProject(committed.sourceServerId, committed.projectId)
                .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404).recoverWithNull()
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(5)).atMost(3)
                .onFailure().call(e -> save(committed.id, Move.Step.DELETE_SOURCE, "retrying",
                        "the source copy could not be deleted yet: " + reason(e), m -> m.leaseUntil = now()))
                .chain(() -> finish(committed.id, Move.State.MOVED, Move.Step.DONE, "done", "the source copy is deleted",
                        null, null, m -> { }));
    }

    // ------------------------------------------------------------------ rollback

    /**
     * Undoes a move that did not commit: the target copy deleted (only when the move got as far as copying), the
     * source reopened and the nodes that ran started again. What cannot be undone is reported with the move.
     */
    private Uni<Move> rollBack(Move stale, Move.Step failedAt, String reason) {
        LOG.infof("move %s of lab %s failed at %s: %s; rolling back", stale.id, stale.projectId, failedAt, reason);
        return Panache.withSession(() -> Move.<Move>findById(stale.id)).chain(move -> {
            owned(move);
            if (move.committed) {
                // the commit went through though its answer was lost: the move is finished, not undone
                return finishAfterCommit(move);
            }
            MovePlan plan = read(move.plan);
            List<String> leftovers = new ArrayList<>();
            String[] leftoverError = new String[1];
            Uni<Void> undoTarget = move.targetServerId != null && move.step.copiesToTarget()
                    ? gateway.deleteProject(move.targetServerId, move.projectId)
                    .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404).recoverWithNull()
                    .onFailure().retry().withBackOff(Duration.ofMillis(300), Duration.ofSeconds(2)).atMost(2)
                    .onFailure().recoverWithItem(e -> {
                        leftoverError[0] = reason(e);
                        leftovers.add("the partial copy on server " + move.targetServerId + " could not be deleted: "
                                + leftoverError[0] + "; it is deleted as soon as the server answers (leftover)");
                        return null;
                    })
                    : Uni.createFrom().voidItem();
            Uni<Void> restoreSource = plan == null ? Uni.createFrom().voidItem() : restoreSource(move, plan)
                    .onFailure().recoverWithItem(e -> {
                        leftovers.add("the source could not be restored as it was: " + reason(e));
                        return null;
                    });
            return undoTarget.chain(() -> restoreSource).chain(() -> finish(move.id, Move.State.FAILED, move.step,
                    "rolled-back", failedAt.name().toLowerCase() + ": " + reason, reason,
                    leftovers.isEmpty() ? null : String.join("; ", leftovers), m -> {
                        m.failedStep = failedAt.name();
                        if (leftoverError[0] != null) {
                            m.leftoverServerId = m.targetServerId;
                            m.leftoverState = Move.LeftoverState.PENDING;
                            m.leftoverError = truncate(leftoverError[0]);
                            m.leftoverNextTry = now().plus(config.leftoverRetry());
                        }
                    }));
        });
    }

    private Uni<Void> restoreSource(Move move, MovePlan plan) {
        if (!plan.opened()) {
            return Uni.createFrom().voidItem();
        }
        return gateway.getProject(move.sourceServerId, move.projectId)
                .chain(p -> "opened".equals(p.path("status").asText()) ? Uni.createFrom().voidItem()
                        : gateway.openProject(move.sourceServerId, move.projectId).replaceWithVoid())
                .chain(() -> gateway.listNodes(move.sourceServerId, move.projectId))
                .chain(nodes -> {
                    Map<String, JsonNode> byName = new HashMap<>();
                    nodes.forEach(n -> byName.put(n.path("name").asText(), n));
                    List<StaggeredRun.Target> toStart = new ArrayList<>();
                    for (MovePlan.PlannedNode n : plan.nodes()) {
                        JsonNode now = byName.get(n.name());
                        if (n.running() && now != null && !"started".equals(now.path("status").asText())) {
                            toStart.add(new StaggeredRun.Target(now.path("node_id").asText(), n.name(), Map.of()));
                        }
                    }
                    return runNodes(move.sourceServerId, move.projectId, toStart, "start", Duration.ZERO);
                });
    }

    // ------------------------------------------------------------------ bookkeeping

    /** Runs one step: recorded as started before it runs (so a takeover knows how far it got), done after. */
    private Uni<Void> step(Run ctx, Move.Step step, Supplier<Uni<Void>> work) {
        return save(ctx, step, "started", null, m -> { })
                .chain(() -> guard(step, Uni.createFrom().deferred(work::get)))
                .chain(() -> save(ctx, step, "done", null, m -> { }));
    }

    private static <T> Uni<T> guard(Move.Step step, Uni<T> work) {
        return work.onFailure(e -> !(e instanceof LeaseLost) && !(e instanceof StepFailed))
                .transform(e -> new StepFailed(step, reason(e)));
    }

    private Uni<Void> save(Run ctx, Move.Step step, String status, String detail, Consumer<Move> change) {
        return save(ctx.move.id, step, status, detail, change).invoke(m -> ctx.move = m).replaceWithVoid();
    }

    private Uni<Move> save(UUID moveId, Move.Step step, String status, String detail, Consumer<Move> change) {
        return Panache.withTransaction(() -> Move.<Move>findById(moveId).chain(move -> {
            owned(move);
            move.step = step;
            move.updatedAt = now();
            change.accept(move);
            progress(move, step, status, detail);
            return Project.<Project>findById(move.projectId)
                    .chain(lab -> lab == null ? Uni.createFrom().voidItem()
                            : progressEvent(move, lab, step, status, detail))
                    .replaceWith(move);
        }));
    }

    private Uni<Move> finish(UUID moveId, Move.State state, Move.Step step, String status, String detail,
                             String error, String rollbackError, Consumer<Move> change) {
        return Panache.withTransaction(() -> Move.<Move>findById(moveId).chain(move -> {
            owned(move);
            OffsetDateTime now = now();
            move.state = state;
            move.step = step;
            move.activeProjectId = null;
            move.finishedAt = now;
            move.updatedAt = now;
            move.leaseUntil = null;
            if (error != null) {
                move.error = truncate(error);
            }
            if (rollbackError != null) {
                move.rollbackError = truncate(rollbackError);
            }
            change.accept(move);
            progress(move, step, status, detail);
            return Project.<Project>findById(move.projectId)
                    .chain(lab -> lab == null ? Uni.createFrom().voidItem()
                            : progressEvent(move, lab, step, status, detail))
                    .replaceWith(move);
        }));
    }

    private void owned(Move move) {
        if (move == null || move.state != Move.State.RUNNING || !replica.equals(move.owner)) {
            throw new LeaseLost("move", move == null ? null : move.id);
        }
    }

    private Uni<Void> progressEvent(Move move, Project lab, Move.Step step, String status, String detail) {
        ObjectNode data = CloudEventCodec.mapper().createObjectNode();
        data.put("moveId", move.id.toString()).put("projectId", move.projectId.toString())
                .put("sourceServerId", move.sourceServerId.toString()).put("step", step.name().toLowerCase())
                .put("status", status).put("state", move.state.name().toLowerCase()).put("at", now().toString());
        if (move.targetServerId != null) {
            data.put("targetServerId", move.targetServerId.toString());
        }
        if (move.evacuationId != null) {
            data.put("evacuationId", move.evacuationId.toString());
        }
        if (detail != null) {
            data.put("detail", detail);
        }
        return events.publish(EventTypes.LAB_PROJECT_MOVE_PROGRESSED, lab, data);
    }

    private static void progress(Move move, Move.Step step, String status, String detail) {
        ArrayNode list;
        try {
            list = (ArrayNode) CloudEventCodec.mapper().readTree(move.progress == null ? "[]" : move.progress);
        } catch (IOException | ClassCastException e) {
            list = CloudEventCodec.mapper().createArrayNode();
        }
        ObjectNode entry = list.addObject().put("step", step.name().toLowerCase()).put("status", status)
                .put("at", now().toString());
        if (detail != null) {
            entry.put("detail", truncate(detail));
        }
        move.progress = list.toString();
    }

    static MovePlan read(String json) {
        if (json == null) {
            return null;
        }
        try {
            return CloudEventCodec.mapper().readValue(json, MovePlan.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static String write(MovePlan plan) {
        try {
            return CloudEventCodec.mapper().writeValueAsString(plan);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String reason(Throwable e) {
        if (e instanceof ProblemException pe) {
            return pe.problem().detail();
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "failed without a reason given" : message;
    }

    private static String truncate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
