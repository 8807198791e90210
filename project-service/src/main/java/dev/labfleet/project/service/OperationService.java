package dev.labfleet.project.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.project.config.JobConfig;
import dev.labfleet.project.config.ProjectConfig;
import dev.labfleet.project.domain.Operation;
import dev.labfleet.project.domain.OperationResult;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.quota.QuotaService;
import dev.labfleet.project.service.job.JobLease;
import dev.labfleet.project.service.job.JobRunner;
import dev.labfleet.project.service.job.JobTable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.persistence.LockModeType;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Staggered start and stop of a lab's nodes as durable operations: accepted at once (202) and written to PostgreSQL
 * with their request, then run by a {@link JobRunner} (the accepting replica first, under a heartbeat-renewed lease).
 * Each node is recorded {@code SENT} before its action goes to GNS3 and given its outcome as soon as it is known,
 * so any replica can report progress, and when the running replica dies another claims the operation and resumes
 * it: nodes with an outcome are not touched again, a node found already as asked is done without a call, and a node
 * whose action was under way is watched ({@code labfleet.project.jobs.settle}) before its action is sent again.
 */
@ApplicationScoped
public class OperationService {

    private static final Logger LOG = Logger.getLogger(OperationService.class);
    /** The operation table as a table of durable jobs. */
    public static final JobTable JOBS = new JobTable("operation", Operation.Status.RUNNING.name());

    private static final String SET_TOTAL = "update operation set total = $3, heartbeat_at = now() "
            + "where id = $1 and owner = $2 and status = 'RUNNING'";
    /** Marks a node's action as under way; no row when the lease no longer holds. */
    private static final String MARK_SENT = "insert into operation_result "
            + "(operation_id, node_id, node_name, batch, ordinal, outcome, finished_at) "
            + "select $1, $3, $4, $5, $6, 'SENT', now() from operation where id = $1 and owner = $2 and status = 'RUNNING' "
            + "on conflict (operation_id, node_id) do update set finished_at = excluded.finished_at "
            + "where operation_result.outcome = 'SENT' returning seq";
    /** A node's outcome, counted once, only while the lease holds (the operation row is locked meanwhile). */
    private static final String RECORD = "with op as (select id from operation where id = $1 and owner = $2 "
            + "and status = 'RUNNING' for update), res as (insert into operation_result "
            + "(operation_id, node_id, node_name, batch, ordinal, outcome, reason, finished_at) "
            + "select $1, $3, $4, $5, $8, $6, $7, now() from op on conflict (operation_id, node_id) do update "
            + "set outcome = excluded.outcome, reason = excluded.reason, batch = excluded.batch, "
            + "finished_at = excluded.finished_at where operation_result.outcome = 'SENT' returning outcome) "
            + "update operation set done = done + (select count(*) from res where outcome = 'DONE'), "
            + "failed = failed + (select count(*) from res where outcome = 'FAILED'), "
            + "skipped = skipped + (select count(*) from res where outcome = 'SKIPPED'), heartbeat_at = now() "
            + "where id = $1 and owner = $2 and status = 'RUNNING'";

    private final ProjectService projects;
    private final GatewayClient gateway;
    private final ProjectEvents events;
    private final ProjectConfig config;
    private final JobConfig jobConfig;
    private final JobRunner jobs;
    private final Pool pool;
    private final QuotaService quotas;

    public OperationService(ProjectService projects, GatewayClient gateway, ProjectEvents events, ProjectConfig config,
                            JobConfig jobConfig, JobRunner jobs, Pool pool, QuotaService quotas) {
        this.quotas = quotas;
        this.projects = projects;
        this.gateway = gateway;
        this.events = events;
        this.config = config;
        this.jobConfig = jobConfig;
        this.jobs = jobs;
        this.pool = pool;
    }

    public Uni<OperationState> begin(UUID projectId, Operation.Kind kind, BulkPacing request) {
        BulkPacing r = request == null ? new BulkPacing(null, null, null, null) : request;
        return projects.find(projectId).chain(project -> {
            if (project.status != ProjectStatus.OPENED) {
                return Uni.createFrom().failure(new ProblemException(ProblemException.conflict(
                        "lab " + projectId + " is " + project.status.name().toLowerCase()
                                + ": open it before starting or stopping its nodes").problem().with("projectId", projectId)));
            }
            return (kind == Operation.Kind.START ? startQuota(project) : Uni.createFrom().voidItem())
                    .chain(() -> accept(project, kind, r));
        });
    }

    /**
     * A start needs room in the running-nodes quotas of the lab's owner and groups for the nodes not running yet
     * (asked of GNS3 now; the lab's node count is learnt on the way).
     */
    private Uni<Void> startQuota(Project project) {
        return gateway.listNodes(project.serverId, project.id).chain(nodes -> {
            int stopped = 0;
            int started = 0;
            for (JsonNode n : nodes) {
                if ("started".equals(n.path("status").asText())) {
                    started++;
                } else {
                    stopped++;
                }
            }
            int toStart = stopped;
            int total = nodes.size();
            int running = started;
            return pool.preparedQuery("UPDATE project SET node_count = $2, running_nodes = $3, version = version + 1 "
                            + "WHERE id = $1 AND (node_count IS DISTINCT FROM $2 OR running_nodes IS DISTINCT FROM $3)")
                    .execute(Tuple.of(project.id, total, running))
                    .chain(() -> quotas.check(QuotaService.demands(project.owner, project.tags, 0, 0, toStart)));
        });
    }

    /** Learns a lab's running nodes from a finished start or stop (best effort: a later one corrects it). */
    private Uni<Void> learnRunning(UUID projectId, Operation.Kind kind, int done) {
        String sql = kind == Operation.Kind.START
                ? "UPDATE project SET running_nodes = CASE WHEN node_count IS NULL THEN coalesce(running_nodes, 0) + $2 "
                + "ELSE least(node_count, coalesce(running_nodes, 0) + $2) END, version = version + 1 WHERE id = $1"
                : "UPDATE project SET running_nodes = greatest(0, coalesce(running_nodes, 0) - $2), "
                + "version = version + 1 WHERE id = $1";
        return pool.preparedQuery(sql).execute(Tuple.of(projectId, done)).replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    private Uni<OperationState> accept(Project project, Operation.Kind kind, BulkPacing r) {
        UUID projectId = project.id;
        {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Operation op = new Operation();
            op.id = UUID.randomUUID();
            op.projectId = projectId;
            op.kind = kind;
            op.status = Operation.Status.RUNNING;
            op.batchSize = r.batchSize() != null ? r.batchSize() : config.bulk().batchSize();
            op.delayMs = r.delayMs() != null ? r.delayMs() : config.bulk().delay().toMillis();
            op.stopOnFirstError = Boolean.TRUE.equals(r.stopOnFirstError());
            op.priorities = json(r.priorities() != null && !r.priorities().isEmpty() ? r.priorities()
                    : project.priorities());
            op.createdAt = now;
            op.heartbeatAt = now;
            op.owner = jobs.replica();
            op.leaseUntil = now.plus(jobConfig.lease());
            op.attempts = 1;
            return Panache.withTransaction(() -> op.persist())
                    .invoke(() -> jobs.run(jobs.accepted(JOBS, op.id), this::execute))
                    .map(ignored -> OperationState.of(op, null));
        }
    }

    /** Operations whose replica died (its lease ran out) are claimed here and resumed. */
    @Scheduled(every = "${labfleet.project.jobs.claim-interval:2s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> resumeOrphans() {
        return jobs.resumeExpired(JOBS, this::execute).replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("looking for orphaned operations failed: %s", e))
                .onFailure().recoverWithNull();
    }

    /** What a run needs, read in one session. */
    private record Loaded(Operation op, Project project, Map<String, String> recorded) {
    }

    /** Runs (or resumes) one operation while {@code lease} holds; records nothing once it no longer does. */
    Uni<Void> execute(JobLease lease) {
        UUID operationId = lease.jobId();
        return Panache.withSession(() -> Operation.<Operation>findById(operationId).chain(op -> op == null
                ? Uni.createFrom().item(new Loaded(null, null, Map.of()))
                : Project.<Project>findById(op.projectId).chain(project -> OperationResult.<OperationResult>list(
                        "operationId", operationId).map(rows -> {
                            Map<String, String> recorded = new HashMap<>();
                            rows.forEach(row -> recorded.put(row.nodeId, row.outcome));
                            return new Loaded(op, project, recorded);
                        }))))
                .chain(loaded -> {
                    Operation op = loaded.op();
                    if (op == null || op.status != Operation.Status.RUNNING || !jobs.replica().equals(op.owner)) {
                        return Uni.createFrom().voidItem();
                    }
                    if (lease.attempt() > jobConfig.maxAttempts()) {
                        return finish(lease, Operation.Status.INTERRUPTED, "given up after " + (lease.attempt() - 1)
                                + " replicas stopped while running it");
                    }
                    if (loaded.project() == null) {
                        return finish(lease, Operation.Status.FAILED, "the lab was deleted");
                    }
                    return run(lease, op, loaded.project().serverId, loaded.recorded())
                            .chain(() -> lease.active() ? finish(lease, null, null) : Uni.createFrom().voidItem())
                            .onFailure(e -> !(e instanceof JobLease.Inactive) && lease.active())
                            .recoverWithUni(e -> finish(lease, Operation.Status.FAILED, e.getMessage()));
                })
                .onFailure(JobLease.Inactive.class).recoverWithNull()
                .invoke(() -> {
                    if (!lease.active()) {
                        LOG.infof("operation %s left to another replica (%s)", operationId,
                                lease.lost() ? "its lease was taken" : "this replica is stopping");
                    }
                });
    }

    private Uni<Void> run(JobLease lease, Operation op, UUID serverId, Map<String, String> recorded) {
        UUID operationId = op.id;
        UUID projectId = op.projectId;
        String action = op.kind == Operation.Kind.START ? "start" : "stop";
        boolean resumed = lease.attempt() > 1;
        Map<String, String> types = new HashMap<>();
        Map<String, String> statuses = new HashMap<>();
        // a note kept with a node's result (why a resumed node needed no call), and the nodes refused a step
        Map<String, String> notes = new ConcurrentHashMap<>();
        Set<String> refused = ConcurrentHashMap.newKeySet();
        Set<String> finished = new HashSet<>();
        Map<String, Integer> batchOf = new HashMap<>();
        Map<String, Integer> ordinalOf = new HashMap<>();
        recorded.forEach((nodeId, outcome) -> {
            if (!"SENT".equals(outcome)) {
                finished.add(nodeId);
            }
        });
        return gateway.listNodes(serverId, projectId)
                .invoke(nodes -> nodes.forEach(n -> {
                    types.put(n.path("node_id").asText(), n.path("node_type").asText());
                    statuses.put(n.path("node_id").asText(), n.path("status").asText());
                }))
                .map(nodes -> targets(nodes, priorities(op.priorities)))
                .invoke(targets -> {
                    List<List<StaggeredRun.Target>> batches = StaggeredRun.batches(targets, op.batchSize);
                    for (int i = 0; i < batches.size(); i++) {
                        for (StaggeredRun.Target t : batches.get(i)) {
                            batchOf.put(t.nodeId(), i);
                            ordinalOf.put(t.nodeId(), ordinalOf.size());
                        }
                    }
                })
                .call(targets -> pool.preparedQuery(SET_TOTAL)
                        .execute(Tuple.of(operationId, lease.owner(), targets.size())))
                .chain(targets -> StaggeredRun.run(targets,
                        new StaggeredRun.Options(op.batchSize, Duration.ofMillis(op.delayMs), op.stopOnFirstError),
                        finished,
                        target -> {
                            if (!lease.active()) {
                                refused.add(target.nodeId());
                                return Uni.createFrom().failure(new JobLease.Inactive(operationId));
                            }
                            String type = types.get(target.nodeId());
                            String expected = expected(action, type);
                            if (resumed && expected.equals(statuses.get(target.nodeId()))) {
                                notes.put(target.nodeId(), "already " + expected + " when the operation resumed");
                                return Uni.createFrom().voidItem();
                            }
                            Uni<Boolean> settled = resumed && "SENT".equals(recorded.get(target.nodeId()))
                                    ? settle(serverId, projectId, target.nodeId(), expected)
                                    : Uni.createFrom().item(false);
                            return settled.chain(done -> {
                                if (done) {
                                    notes.put(target.nodeId(), action + " sent before the operation resumed");
                                    return Uni.createFrom().voidItem();
                                }
                                return markSent(lease, target, batchOf.getOrDefault(target.nodeId(), 0),
                                        ordinalOf.getOrDefault(target.nodeId(), 0))
                                        .chain(() -> act(serverId, projectId, target, type, action));
                            }).onFailure(JobLease.Inactive.class).invoke(() -> refused.add(target.nodeId()));
                        },
                        result -> refused.contains(result.nodeId()) ? Uni.createFrom().voidItem()
                                : record(lease, result, notes.get(result.nodeId()),
                                        ordinalOf.getOrDefault(result.nodeId(), 0))))
                .replaceWithVoid();
    }

    private static String expected(String action, String nodeType) {
        return action.equals("start") || ALWAYS_STARTED.contains(nodeType) ? "started" : "stopped";
    }

    /**
     * A node whose action the previous replica sent: GNS3 may still be carrying it out. Watched until it shows the
     * status asked for (true) or {@code settle} passes (false: the action is sent again).
     */
    private Uni<Boolean> settle(UUID serverId, UUID projectId, String nodeId, String expected) {
        return Uni.createFrom().deferred(() -> gateway.getNode(serverId, projectId, nodeId))
                .map(node -> {
                    if (!expected.equals(node.path("status").asText())) {
                        throw new IllegalStateException("not yet " + expected);
                    }
                    return true;
                })
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(2))
                .expireIn(jobConfig.settle().toMillis())
                .onFailure().recoverWithItem(false);
    }

    private Uni<Void> markSent(JobLease lease, StaggeredRun.Target target, int batch, int ordinal) {
        return pool.preparedQuery(MARK_SENT)
                .execute(Tuple.of(lease.jobId(), lease.owner(), target.nodeId(), cut(target.name(), 200), batch, ordinal))
                .chain(rows -> rows.rowCount() > 0 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(new JobLease.Inactive(lease.jobId())));
    }

    private Uni<Void> record(JobLease lease, StaggeredRun.NodeResult result, String note, int ordinal) {
        String reason = result.reason() != null ? result.reason() : note;
        return pool.preparedQuery(RECORD).execute(Tuple.of(lease.jobId(), lease.owner(), result.nodeId(),
                        cut(result.name(), 200), result.batch(), result.outcome().name()).addString(cut(reason, 2000))
                        .addInteger(ordinal))
                .replaceWithVoid();
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }

    private static String json(Map<String, Integer> priorities) {
        try {
            return priorities == null || priorities.isEmpty() ? null
                    : CloudEventCodec.mapper().writeValueAsString(priorities);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Integer> priorities(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return CloudEventCodec.mapper().readValue(json,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Integer>>() { });
        } catch (java.io.IOException e) {
            return Map.of();
        }
    }

    /** GNS3's builtin devices have no process: they are always "started", and a stop leaves them so. */
    /** GNS3's builtin devices: they always show {@code started}, a stop leaves them so (moves and copies use it too). */
    public static final java.util.Set<String> ALWAYS_STARTED = java.util.Set.of("ethernet_switch", "ethernet_hub",
            "cloud", "nat", "frame_relay_switch", "atm_switch");

    /**
     * Starts or stops one node and checks that it did: GNS3 can accept a start (200) and leave the node stopped (a
     * node whose previous start failed half-way), and its answer's status can lag (GNS3's controller learns it from
     * its compute's notification a little after it answers). The node is read back until it shows the status asked
     * for, first after 20 ms, then at doubling pauses up to 1 s, over about 7 s; otherwise it is a failure with the
     * status GNS3 shows. (The first read-back came after 200 ms: a lag of a few ms cost each node a fifth of a second
     * in its slot of the window, #17 item 7.)
     */
    private Uni<Void> act(UUID serverId, UUID projectId, StaggeredRun.Target target, String nodeType, String action) {
        String expected = expected(action, nodeType);
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
                    .onFailure(IllegalStateException.class).retry()
                    .withBackOff(Duration.ofMillis(20), Duration.ofSeconds(1)).withJitter(0.2)
                    .atMost(VERIFY_ATTEMPTS)
                    .onFailure(IllegalStateException.class).transform(e -> new IllegalStateException("GNS3 accepted the "
                            + action + " but the node is " + seen[0]))
                    .replaceWithVoid();
        });
    }

    private static final int VERIFY_ATTEMPTS = 13;

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

    /**
     * Ends the operation with its status (from its counts unless given) and its event, only while this replica still
     * holds it (the row is locked, so a replica that just claimed it waits and then finds it ended).
     */
    private Uni<Void> finish(JobLease lease, Operation.Status given, String error) {
        return Panache.withTransaction(() -> Operation.<Operation>findById(lease.jobId(), LockModeType.PESSIMISTIC_WRITE)
                .chain(op -> {
                    if (op == null || op.status != Operation.Status.RUNNING || !lease.owner().equals(op.owner)) {
                        return Uni.createFrom().voidItem();
                    }
                    op.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    op.heartbeatAt = op.finishedAt;
                    op.owner = null;
                    op.leaseUntil = null;
                    if (given != null) {
                        op.status = given;
                        op.error = cut(error == null ? "failed without a reason given" : error, 2000);
                    } else if (op.failed > 0 || op.skipped > 0) {
                        op.status = op.done == 0 ? Operation.Status.FAILED : Operation.Status.PARTIAL;
                    } else {
                        op.status = Operation.Status.SUCCEEDED;
                    }
                    LOG.infof("operation %s (%s of %s): %s, %d done, %d failed, %d skipped (attempt %d)", op.id,
                            op.kind, op.projectId, op.status, op.done, op.failed, op.skipped, lease.attempt());
                    return Project.<Project>findById(op.projectId).chain(project -> {
                        if (project == null) {
                            return Uni.createFrom().voidItem();
                        }
                        ObjectNode data = CloudEventCodec.mapper().createObjectNode();
                        data.put("projectId", op.projectId.toString()).put("operationId", op.id.toString())
                                .put("status", op.status.name().toLowerCase()).put("total", op.total)
                                .put("done", op.done).put("failed", op.failed).put("skipped", op.skipped);
                        String type = op.kind == Operation.Kind.START ? EventTypes.LAB_PROJECT_STARTED
                                : EventTypes.LAB_PROJECT_STOPPED;
                        return events.publish(type, project, data).replaceWithVoid();
                    }).call(() -> op.status == Operation.Status.RUNNING ? Uni.createFrom().voidItem()
                            : learnRunning(op.projectId, op.kind, op.done));
                }));
    }

    @WithSession
    public Uni<OperationState> get(UUID operationId) {
        return Operation.<Operation>findById(operationId)
                .onItem().ifNull().failWith(() -> new ProblemException(ProblemException.notFound(
                        "operation " + operationId + " does not exist").problem().with("operationId", operationId)))
                .chain(op -> OperationResult.<OperationResult>find("operationId = ?1 order by batch, ordinal, seq", operationId).list()
                        .map(results -> OperationState.of(op, results)));
    }
}
