package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.service.OperationService;
import dev.labfleet.project.service.StaggeredRun;
import dev.labfleet.support.security.LabAccess;
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

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes and deletes the copies of classes. Every replica claims copies from PostgreSQL ({@code FOR UPDATE SKIP
 * LOCKED}, claims serialized by an advisory lock so that together the replicas never exceed a server's slots), renews
 * its leases while it works, and fences every write by its ownership. A copy whose replica died is taken over: the
 * partial copy on GNS3 (same lab id) is deleted and the copy made again, so a retried copy is never a second lab.
 * The lab's record, its {@code lab.project.created} event and the copy's result are written in one transaction.
 */
@ApplicationScoped
public class CopyRunner {

    private static final Logger LOG = Logger.getLogger(CopyRunner.class);

    /** A step failed: the partial copy is deleted and the copy reported failed with the step and reason. */
    static final class StepFailed extends RuntimeException {
        final ClassCopy.Step step;

        StepFailed(ClassCopy.Step step, String reason) {
            super(reason, null, false, false);
            this.step = step;
        }
    }

    private final String replica = "copies-" + UUID.randomUUID();
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicBoolean claiming = new java.util.concurrent.atomic.AtomicBoolean();
    private final GatewayClient gateway;
    private final ArchiveStore archives;
    private final ProjectEvents events;
    private final FleetConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private volatile boolean stopping;

    public CopyRunner(GatewayClient gateway, ArchiveStore archives, ProjectEvents events,
                      FleetConfig config, Pool pool, Vertx vertx) {
        this.gateway = gateway;
        this.archives = archives;
        this.events = events;
        this.config = config;
        this.pool = pool;
        this.vertx = vertx;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${labfleet.project.fleet.claim-interval:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return renew().chain(this::claimAndLaunch)
                .chain(this::finishClasses)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("copies tick: %s", e.toString());
                    return null;
                });
    }

    private Uni<Void> renew() {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE fleet_copy SET lease_until = now() + $1 * interval '1 millisecond' "
                        + "WHERE owner = $2 AND state IN ('RUNNING', 'DELETING') AND id = ANY($3)")
                .execute(Tuple.of(config.lease().toMillis(), replica, running.toArray(new UUID[0])))
                .replaceWithVoid();
    }

    /**
     * Claims what this replica may take and launches it; one claim at a time per replica (the tick's and those run
     * as soon as a copy ends, so a server's freed slot is used at once rather than at the next tick).
     */
    private Uni<Void> claimAndLaunch() {
        if (!claiming.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem();
        }
        return claim().invoke(ids -> ids.forEach(this::launch)).replaceWithVoid()
                .eventually(() -> claiming.set(false));
    }

    private void claimSoon() {
        if (stopping) {
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> claimAndLaunch().subscribe().with(done -> { },
                e -> LOG.debugf("claiming copies: %s", e.toString())));
    }

    private Uni<List<UUID>> claim() {
        int free = config.maxCopiesPerReplica() - running.size();
        if (free <= 0) {
            return Uni.createFrom().item(List.of());
        }
        String claim = """
                WITH cand AS (
                  SELECT c.id, c.server_id, c.server_slots, c.created_at, c.copy_index FROM fleet_copy c
                  WHERE (c.state = 'PENDING' OR c.state IN ('RUNNING', 'DELETING')
                         AND (c.lease_until IS NULL OR c.lease_until < now()))
                  ORDER BY c.created_at, c.copy_index LIMIT 1000 FOR UPDATE SKIP LOCKED
                ), ranked AS (
                  SELECT cand.*, row_number() OVER (PARTITION BY cand.server_id
                                                    ORDER BY cand.created_at, cand.copy_index) AS n
                  FROM cand
                ), chosen AS (
                  SELECT r.id FROM ranked r
                  WHERE r.n <= r.server_slots - (SELECT count(*) FROM fleet_copy x WHERE x.server_id = r.server_id
                                                 AND x.state IN ('RUNNING', 'DELETING') AND x.lease_until >= now())
                  ORDER BY r.n, r.created_at LIMIT $2
                )
                UPDATE fleet_copy c SET owner = $1, lease_until = now() + $3 * interval '1 millisecond',
                       attempts = c.attempts + CASE WHEN c.state = 'RUNNING' THEN 1 ELSE 0 END,
                       state = CASE WHEN c.state = 'PENDING' THEN 'RUNNING' ELSE c.state END,
                       version = c.version + 1, updated_at = now()
                FROM chosen WHERE c.id = chosen.id RETURNING c.id""";
        return pool.withTransaction(tx -> tx.query("SELECT pg_advisory_xact_lock(hashtext('labfleet:fleet_copy:claim'))")
                        .execute()
                        .chain(() -> tx.preparedQuery(claim).execute(Tuple.of(replica, free, config.lease().toMillis()))))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getUUID("id"));
                    }
                    return ids;
                });
    }

    /**
     * Classes whose copies are all made (or failed) are finished; torn-down ones whose copies are all deleted are
     * deleted. Their archive goes once no copy may need it again (a class with failed copies keeps it for a retry).
     */
    private Uni<Void> finishClasses() {
        return pool.query("UPDATE fleet_class k SET state = 'FINISHED', finished_at = now() WHERE k.state = 'RUNNING' "
                        + "AND NOT EXISTS (SELECT 1 FROM fleet_copy c WHERE c.class_id = k.id "
                        + "AND c.state IN ('PENDING', 'RUNNING'))").execute()
                .chain(() -> pool.query("UPDATE fleet_class k SET state = 'DELETED', finished_at = now() "
                        + "WHERE k.state = 'DELETING' AND NOT EXISTS (SELECT 1 FROM fleet_copy c WHERE c.class_id = k.id "
                        + "AND c.state IN ('PENDING', 'RUNNING', 'DELETING', 'DONE'))").execute())
                .chain(() -> pool.query("WITH gone AS (SELECT k.id, k.archive_oid FROM fleet_class k "
                        + "WHERE k.archive_oid IS NOT NULL AND (k.state = 'DELETED' OR k.state = 'FINISHED' AND NOT "
                        + "EXISTS (SELECT 1 FROM fleet_copy c WHERE c.class_id = k.id AND c.state = 'FAILED')) "
                        + "FOR UPDATE SKIP LOCKED), cleared AS (UPDATE fleet_class SET archive_oid = NULL FROM gone "
                        + "WHERE fleet_class.id = gone.id) SELECT lo_unlink(gone.archive_oid::oid) FROM gone "
                        + "JOIN pg_largeobject_metadata m ON m.oid = gone.archive_oid::oid").execute())
                .replaceWithVoid();
    }

    private void launch(UUID copyId) {
        if (!running.add(copyId)) {
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> Uni.createFrom().deferred(() -> execute(copyId))
                .onTermination().invoke(() -> {
                    running.remove(copyId);
                    claimSoon();
                })
                .subscribe().with(
                        state -> LOG.debugf("copy %s: %s", copyId, state),
                        e -> {
                            if (e instanceof LeaseLost) {
                                LOG.infof("%s", e.getMessage());
                            } else {
                                LOG.warnf("copy %s: %s (its lease will run out and another replica resumes it)",
                                        copyId, e.toString());
                            }
                        }));
    }

    private Uni<ClassCopy.State> execute(UUID copyId) {
        return Panache.withSession(() -> ClassCopy.<ClassCopy>findById(copyId).chain(copy -> copy == null
                ? Uni.createFrom().<Object[]>nullItem()
                : LabClass.<LabClass>findById(copy.classId).map(k -> new Object[] {copy, k}))).chain(pair -> {
                    if (pair == null) {
                        return Uni.createFrom().failure(new LeaseLost("copy", copyId));
                    }
                    ClassCopy copy = (ClassCopy) pair[0];
                    LabClass k = (LabClass) pair[1];
                    if (!replica.equals(copy.owner)) {
                        return Uni.createFrom().failure(new LeaseLost("copy", copyId));
                    }
                    if (copy.state == ClassCopy.State.DELETING) {
                        return deleteCopy(copy);
                    }
                    if (copy.state != ClassCopy.State.RUNNING) {
                        return Uni.createFrom().failure(new LeaseLost("copy", copyId));
                    }
                    if (copy.attempts > config.copyAttempts()) {
                        return failed(copy, copy.step, "given up after " + copy.attempts + " takeovers");
                    }
                    return make(copy, k);
                });
    }

    // ------------------------------------------------------------------ making a copy

    private Uni<ClassCopy.State> make(ClassCopy copy, LabClass k) {
        if (k.archiveOid == null) {
            return failed(copy, ClassCopy.Step.IMPORT, "the class's archive is gone");
        }
        // a copy taken over (or retried) may have left a partial import with its id: it goes first
        Uni<Void> clean = copy.attempts > 0 || copy.error != null ? deleteOnGns3(copy.serverId, copy.projectId)
                : Uni.createFrom().voidItem();
        int[] running = {0};
        return clean
                .chain(() -> step(copy, ClassCopy.Step.IMPORT, () -> gateway.importStream(copy.serverId,
                        copy.projectId, copy.name, k.archiveSize, archives.read(k.archiveOid, k.archiveSize))
                        .replaceWithVoid()))
                .chain(() -> !k.startNodes ? Uni.createFrom().voidItem()
                        : step(copy, ClassCopy.Step.OPEN, () -> gateway.openProject(copy.serverId, copy.projectId)
                        .replaceWithVoid()))
                .chain(() -> !k.startNodes ? Uni.createFrom().voidItem()
                        : step(copy, ClassCopy.Step.START, () -> start(copy, k).invoke(n -> running[0] = n)
                        .replaceWithVoid()))
                .chain(() -> record(copy, k, running[0]))
                .onFailure(StepFailed.class).recoverWithUni(e -> deleteOnGns3(copy.serverId, copy.projectId)
                        .onFailure().recoverWithNull()
                        .chain(() -> failed(copy, ((StepFailed) e).step, e.getMessage())));
    }

    /** Starts every node of the copy in staggered batches; answers how many run. */
    private Uni<Integer> start(ClassCopy copy, LabClass k) {
        return gateway.listNodes(copy.serverId, copy.projectId).chain(nodes -> {
            List<StaggeredRun.Target> targets = new ArrayList<>();
            for (JsonNode n : nodes) {
                if (!OperationService.ALWAYS_STARTED.contains(n.path("node_type").asText())) {
                    targets.add(new StaggeredRun.Target(n.path("node_id").asText(), n.path("name").asText(), Map.of()));
                }
            }
            if (targets.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            return StaggeredRun.run(targets, new StaggeredRun.Options(k.startBatchSize,
                                    Duration.ofMillis(k.startDelayMs), false),
                            target -> gateway.nodeAction(copy.serverId, copy.projectId, target.nodeId(), "start")
                                    .replaceWithVoid(), result -> { })
                    .map(results -> {
                        List<String> failed = results.stream().filter(r -> r.outcome() == StaggeredRun.Outcome.FAILED)
                                .map(r -> r.name() + ": " + r.reason()).toList();
                        if (!failed.isEmpty()) {
                            throw new IllegalStateException(failed.size() + " of " + targets.size()
                                    + " nodes did not start: " + String.join("; ", failed.subList(0,
                                    Math.min(5, failed.size()))));
                        }
                        return targets.size();
                    });
        });
    }

    /**
     * The lab's record, its event and the copy's result, in one transaction fenced by the lease. A class torn down
     * meanwhile gets the copy queued for deletion instead.
     */
    private Uni<ClassCopy.State> record(ClassCopy made, LabClass k, int running) {
        return Panache.withTransaction(() -> ClassCopy.<ClassCopy>findById(made.id).chain(copy -> {
            owned(copy);
            return Project.<Project>findById(copy.projectId).chain(existing -> Project.<Project>findById(k.sourceProjectId)
                    .chain(source -> {
                OffsetDateTime now = now();
                Uni<Void> lab = Uni.createFrom().voidItem();
                if (existing == null) {
                    Project p = new Project();
                    p.id = copy.projectId;
                    p.name = copy.name;
                    p.owner = copy.ownerName;
                    p.serverId = copy.serverId;
                    p.status = k.startNodes ? ProjectStatus.OPENED : ProjectStatus.CLOSED;
                    p.description = "copy " + copy.copyIndex + " of class " + k.id;
                    List<String> tags = new ArrayList<>();
                    tags.add("class:" + k.id);
                    if (k.groupName != null) {
                        tags.add(LabAccess.GROUP_TAG + k.groupName);
                    }
                    p.tags = tags.toArray(String[]::new);
                    p.nodeCount = copy.nodeCount;
                    p.runningNodes = running;
                    // GNS3 imports the archive's auto_close, which is the source lab's
                    p.autoClose = source != null && source.autoClose;
                    p.createdAt = now;
                    p.updatedAt = now;
                    lab = p.persist().chain(() -> events.publish(EventTypes.LAB_PROJECT_CREATED, p));
                }
                boolean torndown = k.state == LabClass.State.DELETING || k.state == LabClass.State.DELETED;
                return lab.chain(() -> LabClass.<LabClass>findById(k.id)).map(fresh -> {
                    boolean deleting = fresh != null && (fresh.state == LabClass.State.DELETING
                            || fresh.state == LabClass.State.DELETED) || torndown;
                    copy.state = deleting ? ClassCopy.State.DELETING : ClassCopy.State.DONE;
                    copy.step = deleting ? ClassCopy.Step.DELETE : ClassCopy.Step.DONE;
                    copy.owner = null;
                    copy.leaseUntil = null;
                    copy.finishedAt = deleting ? null : now;
                    copy.updatedAt = now;
                    return copy.state;
                });
            }));
        })).onFailure(e -> !(e instanceof LeaseLost)).transform(e -> new StepFailed(ClassCopy.Step.RECORD,
                MoveRunner.reason(e)));
    }

    private Uni<ClassCopy.State> failed(ClassCopy copy, ClassCopy.Step step, String reason) {
        LOG.infof("copy %d of class %s failed at %s: %s", copy.copyIndex, copy.classId, step, reason);
        String error = step.name().toLowerCase() + ": " + reason;
        return pool.preparedQuery("UPDATE fleet_copy SET state = 'FAILED', step = $3, error = $4, owner = NULL, "
                        + "lease_until = NULL, finished_at = now(), updated_at = now(), version = version + 1 "
                        + "WHERE id = $1 AND owner = $2 AND state = 'RUNNING'")
                .execute(Tuple.of(copy.id, replica, step.name(), error.length() > 2000 ? error.substring(0, 1997)
                        + "..." : error))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new LeaseLost("copy", copy.id);
                    }
                    return ClassCopy.State.FAILED;
                });
    }

    // ------------------------------------------------------------------ deleting a copy

    /** Deletes a copy of a torn-down class: on GNS3 where its lab is now (it may have moved), then its record. */
    private Uni<ClassCopy.State> deleteCopy(ClassCopy copy) {
        return Panache.withSession(() -> Project.<Project>findById(copy.projectId))
                .chain(lab -> deleteOnGns3(lab == null ? copy.serverId : lab.serverId, copy.projectId))
                .chain(() -> Panache.withTransaction(() -> ClassCopy.<ClassCopy>findById(copy.id).chain(fresh -> {
                    if (fresh == null || !replica.equals(fresh.owner) || fresh.state != ClassCopy.State.DELETING) {
                        throw new LeaseLost("copy", copy.id);
                    }
                    return Project.<Project>findById(copy.projectId).chain(lab -> lab == null
                                    ? Uni.createFrom().voidItem()
                                    : events.publish(EventTypes.LAB_PROJECT_DELETED, lab)
                                    .chain(() -> Project.delete("id", copy.projectId)).replaceWithVoid())
                            .map(ignored -> {
                                OffsetDateTime now = now();
                                fresh.state = ClassCopy.State.DELETED;
                                fresh.step = ClassCopy.Step.DONE;
                                fresh.owner = null;
                                fresh.leaseUntil = null;
                                fresh.finishedAt = now;
                                fresh.updatedAt = now;
                                return fresh.state;
                            });
                })))
                .onFailure(e -> !(e instanceof LeaseLost)).call(e -> pool.preparedQuery("UPDATE fleet_copy SET "
                                + "error = $3, lease_until = now() + interval '5 seconds' WHERE id = $1 AND owner = $2")
                        .execute(Tuple.of(copy.id, replica, "delete: " + MoveRunner.reason(e) + " (retrying)"))
                        .onFailure().recoverWithNull());
    }

    private Uni<Void> deleteOnGns3(UUID serverId, UUID projectId) {
        return gateway.deleteProject(serverId, projectId)
                .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404).recoverWithNull();
    }

    // ------------------------------------------------------------------ bookkeeping

    private Uni<Void> step(ClassCopy copy, ClassCopy.Step step, java.util.function.Supplier<Uni<Void>> work) {
        return pool.preparedQuery("UPDATE fleet_copy SET step = $3, updated_at = now() WHERE id = $1 AND owner = $2 "
                        + "AND state = 'RUNNING'").execute(Tuple.of(copy.id, replica, step.name()))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new LeaseLost("copy", copy.id);
                    }
                    return null;
                })
                .chain(() -> Uni.createFrom().deferred(work::get))
                .onFailure(e -> !(e instanceof LeaseLost) && !(e instanceof StepFailed))
                .transform(e -> new StepFailed(step, MoveRunner.reason(e)));
    }

    private void owned(ClassCopy copy) {
        if (copy == null || copy.state != ClassCopy.State.RUNNING || !replica.equals(copy.owner)) {
            throw new LeaseLost("copy", copy == null ? null : copy.id);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
