package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.service.ProjectService;
import dev.labfleet.project.service.ProjectState;
import dev.labfleet.project.service.StaggeredRun;
import dev.labfleet.support.security.Caller;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Backups of labs and failover (#20 item 4). A lab with a policy is exported every interval by one replica (a due
 * policy is claimed by moving its next due time under {@code FOR UPDATE SKIP LOCKED}) and streamed into a PostgreSQL
 * large object ({@link ArchiveStore}: never held whole in memory), with what the lab looked like (nodes and which ran,
 * link conditions and suspension, snapshots: a {@link MovePlan}); the oldest beyond {@code keep} go.
 *
 * <p>Failover: each tick records when a server was first seen down (the gateway's health status). A server down
 * longer than the grace time has its labs with failover restored from their last backup on another server chosen by
 * placement, under the same id: imported, opened when it was, link conditions and suspension put back, the nodes that
 * ran started; then the lab's record points there ({@code lab.project.moved} with {@code reason} failover, which says
 * what was lost, and {@code lab.project.updated}), and an incident says what was lost
 * (everything since the backup). One failover per lab is in flight (a partial unique index); the target is recorded
 * before the import, so a failover whose replica died (its lease ran out) has its partial copy deleted before it is
 * tried again. When the dead server returns, the stale copies of labs restored elsewhere are deleted there, never
 * reopened (project-service ignores GNS3 notifications about a lab from a server it is not on).
 */
@ApplicationScoped
public class BackupService {

    private static final Logger LOG = Logger.getLogger(BackupService.class);

    private final GatewayClient gateway;
    private final ArchiveStore archives;
    private final ProjectService projects;
    private final ProjectEvents events;
    private final BackupConfig config;
    private final FleetConfig fleet;
    private final Pool pool;
    private final io.vertx.core.Vertx vertx;
    private final String replica = "backups-" + UUID.randomUUID();
    private volatile boolean stopping;

    public BackupService(GatewayClient gateway, ArchiveStore archives, ProjectService projects, ProjectEvents events,
                         BackupConfig config, FleetConfig fleet, Pool pool, io.vertx.core.Vertx vertx) {
        this.vertx = vertx;
        this.gateway = gateway;
        this.archives = archives;
        this.projects = projects;
        this.events = events;
        this.config = config;
        this.fleet = fleet;
        this.pool = pool;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Runs background work on a duplicated context of its own (one Hibernate Reactive session per flow). */
    private Uni<Void> onOwnContext(Supplier<Uni<Void>> work) {
        return Uni.createFrom().emitter(emitter -> {
            io.vertx.core.Context context = io.smallrye.common.vertx.VertxContext.createNewDuplicatedContext(
                    vertx.getOrCreateContext());
            io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> Uni.createFrom().deferred(work::get).subscribe().with(
                    done -> emitter.complete(null), emitter::fail));
        });
    }

    // ------------------------------------------------------------------ policies

    public Uni<BackupPolicyView> setPolicy(UUID projectId, BackupPolicyRequest r) {
        if (r.intervalSeconds() < config.minInterval().toSeconds()) {
            throw ProblemException.invalid("intervalSeconds", "must be at least " + config.minInterval().toSeconds()
                    + " (labfleet.project.backups.min-interval)");
        }
        var caller = Caller.current();
        String by = caller == null ? "labfleet" : Caller.name(caller);
        return projects.find(projectId).chain(lab -> pool.preparedQuery("INSERT INTO backup_policy (project_id, "
                        + "interval_seconds, keep, include_snapshots, failover, next_due, updated_by, updated_at) "
                        + "VALUES ($1, $2, $3, $4, $5, now(), $6, now()) ON CONFLICT (project_id) DO UPDATE SET "
                        + "interval_seconds = excluded.interval_seconds, keep = excluded.keep, include_snapshots = "
                        + "excluded.include_snapshots, failover = excluded.failover, next_due = LEAST("
                        + "backup_policy.next_due, now() + excluded.interval_seconds * interval '1 second'), "
                        + "updated_by = excluded.updated_by, updated_at = now()")
                .execute(Tuple.from(Arrays.<Object>asList(projectId, r.intervalSeconds(), r.keep(),
                        Boolean.TRUE.equals(r.includeSnapshots()), Boolean.TRUE.equals(r.failover()), by))))
                .chain(() -> policyOf(projectId));
    }

    public Uni<BackupPolicyView> getPolicy(UUID projectId) {
        return projects.find(projectId).chain(lab -> policyOf(projectId));
    }

    private Uni<BackupPolicyView> policyOf(UUID projectId) {
        return pool.preparedQuery("SELECT * FROM backup_policy WHERE project_id = $1").execute(Tuple.of(projectId))
                .map(rows -> {
                    if (rows.size() == 0) {
                        throw noPolicy(projectId);
                    }
                    Row row = rows.iterator().next();
                    return new BackupPolicyView(projectId, row.getInteger("interval_seconds"), row.getInteger("keep"),
                            row.getBoolean("include_snapshots"), row.getBoolean("failover"),
                            row.getOffsetDateTime("next_due"), row.getString("last_error"),
                            row.getString("updated_by"), row.getOffsetDateTime("updated_at"));
                });
    }

    private static ProblemException noPolicy(UUID projectId) {
        return new ProblemException(ProblemException.notFound("lab " + projectId + " has no backup policy").problem()
                .with("projectId", projectId));
    }

    public Uni<Void> deletePolicy(UUID projectId) {
        return projects.find(projectId).chain(lab -> pool.preparedQuery("DELETE FROM backup_policy WHERE project_id = $1")
                .execute(Tuple.of(projectId)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw noPolicy(projectId);
                    }
                    return null;
                }));
    }

    // ------------------------------------------------------------------ backups

    public Uni<List<BackupView>> list(UUID projectId) {
        return projects.find(projectId).chain(lab -> pool.preparedQuery("SELECT id, project_id, server_id, size, "
                        + "include_snapshots, plan, taken_at FROM lab_backup WHERE project_id = $1 ORDER BY taken_at DESC")
                .execute(Tuple.of(projectId)).map(rows -> {
                    List<BackupView> views = new ArrayList<>();
                    for (Row row : rows) {
                        views.add(view(row));
                    }
                    return views;
                }));
    }

    private static BackupView view(Row row) {
        MovePlan plan = MoveRunner.read(row.getString("plan"));
        return new BackupView(row.getUUID("id"), row.getUUID("project_id"), row.getUUID("server_id"),
                row.getLong("size"), row.getBoolean("include_snapshots"), plan != null && plan.opened(),
                plan == null ? 0 : plan.nodes().size(), plan == null ? 0 : (int) plan.running(),
                plan == null ? 0 : plan.links().size(), plan == null ? 0 : plan.snapshots().size(),
                row.getOffsetDateTime("taken_at"));
    }

    /** Backs a lab up now (with its policy's options and pruning, or without snapshots and kept when it has none). */
    public Uni<BackupView> backupNow(UUID projectId) {
        return projects.find(projectId).chain(lab -> pool.preparedQuery("SELECT include_snapshots, keep FROM "
                        + "backup_policy WHERE project_id = $1").execute(Tuple.of(projectId))
                .chain(rows -> {
                    Row policy = rows.size() == 0 ? null : rows.iterator().next();
                    return backup(lab, policy != null && policy.getBoolean("include_snapshots"),
                            policy == null ? 0 : policy.getInteger("keep"));
                }));
    }

    /** Exports the lab into a new backup, then deletes the oldest beyond {@code keep} (0: keep all). */
    Uni<BackupView> backup(Project lab, boolean includeSnapshots, int keep) {
        UUID server = lab.serverId;
        return Uni.combine().all().unis(gateway.getProject(server, lab.id), gateway.listNodes(server, lab.id),
                        gateway.listLinks(server, lab.id), gateway.listSnapshots(server, lab.id)).asTuple()
                .map(t -> MoveRunner.plan(t.getItem1(), t.getItem2(), t.getItem3(), t.getItem4()))
                .chain(plan -> gateway.export(server, lab.id, includeSnapshots, false)
                        .chain(response -> archives.save(response.toMulti()))
                        .chain(stored -> pool.preparedQuery("INSERT INTO lab_backup (id, project_id, server_id, "
                                        + "archive_oid, size, include_snapshots, plan, taken_at) VALUES ($1, $2, $3, $4, "
                                        + "$5, $6, $7, now()) RETURNING id, project_id, server_id, size, "
                                        + "include_snapshots, plan, taken_at")
                                .execute(Tuple.from(Arrays.<Object>asList(UUID.randomUUID(), lab.id, server,
                                        stored.oid(), stored.size(), includeSnapshots, write(plan))))
                                .onFailure().call(e -> archives.unlink(stored.oid()).onFailure().recoverWithNull())
                                .map(rows -> view(rows.iterator().next()))))
                .call(() -> keep <= 0 ? Uni.createFrom().voidItem() : prune(lab.id, keep));
    }

    private Uni<Void> prune(UUID projectId, int keep) {
        return pool.preparedQuery("DELETE FROM lab_backup WHERE id IN (SELECT id FROM lab_backup WHERE project_id = $1 "
                        + "ORDER BY taken_at DESC OFFSET $2) RETURNING archive_oid")
                .execute(Tuple.of(projectId, keep))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> archives.unlink(row.getLong("archive_oid")))
                .collect().last().replaceWithVoid();
    }

    /**
     * Restores a lab from one of its backups on its own server: the copy there is deleted, the backup imported under
     * the lab's id, opened when it was, its link conditions and suspension put back and the nodes that ran started.
     * Everything changed since the backup is lost (the caller asked for that); the backup stays, so a failed restore
     * can be asked again.
     */
    public Uni<RestoreView> restore(UUID projectId, UUID backupId) {
        return projects.find(projectId).chain(lab -> backupRow(projectId, backupId).chain(row -> {
            MovePlan plan = MoveRunner.read(row.getString("plan"));
            return restoreOn(lab.serverId, lab.id, lab.name, row, plan)
                    .chain(() -> Panache.withTransaction(() -> Project.<Project>findById(projectId).chain(stored -> {
                        if (stored == null) {
                            return Uni.createFrom().voidItem();
                        }
                        stored.status = plan != null && plan.opened() ? ProjectStatus.OPENED : ProjectStatus.CLOSED;
                        stored.runningNodes = plan == null ? 0 : (int) plan.running();
                        stored.nodeCount = plan == null ? stored.nodeCount : plan.nodes().size();
                        stored.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                        return events.publish(EventTypes.LAB_PROJECT_UPDATED, stored);
                    })))
                    .map(ignored -> new RestoreView(projectId, row.getUUID("id"), lab.serverId,
                            row.getOffsetDateTime("taken_at")));
        }));
    }

    private Uni<Row> backupRow(UUID projectId, UUID backupId) {
        return pool.preparedQuery("SELECT * FROM lab_backup WHERE id = $1 AND project_id = $2")
                .execute(Tuple.of(backupId, projectId)).map(rows -> {
                    if (rows.size() == 0) {
                        throw new ProblemException(ProblemException.notFound("lab " + projectId + " has no backup "
                                + backupId).problem().with("projectId", projectId).with("backupId", backupId));
                    }
                    return rows.iterator().next();
                });
    }

    private Uni<Void> restoreOn(UUID server, UUID projectId, String name, Row backup, MovePlan plan) {
        return deleteOnGns3(server, projectId)
                .chain(() -> gateway.importStream(server, projectId, name, backup.getLong("size"),
                        archives.read(backup.getLong("archive_oid"), backup.getLong("size"))))
                .chain(() -> plan == null || !plan.opened() ? Uni.createFrom().voidItem()
                        : gateway.openProject(server, projectId).replaceWithVoid()
                        .chain(() -> restoreLinks(server, projectId, plan))
                        .chain(() -> startRunning(server, projectId, plan)));
    }

    private Uni<Void> deleteOnGns3(UUID server, UUID projectId) {
        return gateway.deleteProject(server, projectId)
                .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404).recoverWithNull();
    }

    private Uni<Void> restoreLinks(UUID server, UUID projectId, MovePlan plan) {
        List<MovePlan.PlannedLink> wanted = plan.links().stream().filter(MovePlan.PlannedLink::conditioned).toList();
        if (wanted.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.combine().all().unis(gateway.listNodes(server, projectId), gateway.listLinks(server, projectId))
                .asTuple().chain(t -> {
                    Map<String, String> names = new HashMap<>();
                    t.getItem1().forEach(n -> names.put(n.path("node_id").asText(), n.path("name").asText()));
                    Map<String, String> byKey = new HashMap<>();
                    t.getItem2().forEach(l -> byKey.put(MoveRunner.linkKey(l, names), l.path("link_id").asText()));
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (MovePlan.PlannedLink link : wanted) {
                        String linkId = byKey.get(link.key());
                        if (linkId == null) {
                            return Uni.createFrom().failure(new IllegalStateException("link " + link.key()
                                    + " of the backup is missing after the import"));
                        }
                        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
                        body.set("filters", link.filters() == null || link.filters().isMissingNode()
                                ? CloudEventCodec.mapper().createObjectNode() : link.filters());
                        body.put("suspend", link.suspended());
                        chain = chain.chain(() -> gateway.updateLink(server, projectId, linkId, body).replaceWithVoid());
                    }
                    return chain;
                });
    }

    private Uni<Void> startRunning(UUID server, UUID projectId, MovePlan plan) {
        if (plan.running() == 0) {
            return Uni.createFrom().voidItem();
        }
        return gateway.listNodes(server, projectId).chain(nodes -> {
            Map<String, String> ids = new HashMap<>();
            nodes.forEach(n -> ids.put(n.path("name").asText(), n.path("node_id").asText()));
            List<StaggeredRun.Target> targets = new ArrayList<>();
            for (MovePlan.PlannedNode n : plan.nodes()) {
                if (n.running() && ids.containsKey(n.name())) {
                    targets.add(new StaggeredRun.Target(ids.get(n.name()), n.name(), Map.of()));
                }
            }
            return StaggeredRun.run(targets, new StaggeredRun.Options(fleet.startBatchSize(), fleet.startDelay(), false),
                            target -> gateway.nodeAction(server, projectId, target.nodeId(), "start").replaceWithVoid(),
                            result -> { })
                    .map(results -> {
                        List<String> failed = results.stream().filter(r -> r.outcome() == StaggeredRun.Outcome.FAILED)
                                .map(r -> r.name() + ": " + r.reason()).toList();
                        if (!failed.isEmpty()) {
                            throw new IllegalStateException(failed.size() + " nodes did not start: "
                                    + String.join("; ", failed.subList(0, Math.min(5, failed.size()))));
                        }
                        return null;
                    });
        });
    }

    // ------------------------------------------------------------------ the schedule

    @Scheduled(every = "${labfleet.project.backups.tick:5s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return forgetDeletedLabs()
                .chain(this::backupsDue)
                .chain(this::watchServers)
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("backups tick: %s", e.toString());
                    return null;
                });
    }

    /** A deleted lab's policy and backups go with it (its archives unlinked). */
    private Uni<Void> forgetDeletedLabs() {
        return pool.query("DELETE FROM backup_policy b WHERE NOT EXISTS (SELECT 1 FROM project p WHERE p.id = "
                        + "b.project_id)").execute()
                .chain(() -> pool.query("WITH gone AS (DELETE FROM lab_backup b WHERE NOT EXISTS (SELECT 1 FROM project "
                        + "p WHERE p.id = b.project_id) AND b.taken_at < now() - interval '1 minute' RETURNING "
                        + "archive_oid) SELECT lo_unlink(gone.archive_oid::oid) FROM gone JOIN pg_largeobject_metadata m "
                        + "ON m.oid = gone.archive_oid::oid").execute())
                .replaceWithVoid();
    }

    /** Claims due policies (one replica each: the due time moves on as it is claimed) and backs their labs up. */
    private Uni<Void> backupsDue() {
        return pool.query("UPDATE backup_policy p SET next_due = now() + p.interval_seconds * interval '1 second' "
                        + "WHERE p.project_id IN (SELECT project_id FROM backup_policy WHERE next_due <= now() "
                        + "ORDER BY next_due LIMIT 8 FOR UPDATE SKIP LOCKED) "
                        + "RETURNING p.project_id, p.include_snapshots, p.keep").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndMerge(row -> {
                    UUID projectId = row.getUUID("project_id");
                    return onOwnContext(() -> Panache.withSession(() -> Project.<Project>findById(projectId))
                            .chain(lab -> lab == null || lab.status == ProjectStatus.MISSING
                                    ? Uni.createFrom().voidItem()
                                    : backup(lab, row.getBoolean("include_snapshots"), row.getInteger("keep"))
                                    .chain(() -> pool.preparedQuery("UPDATE backup_policy SET last_error = NULL "
                                            + "WHERE project_id = $1").execute(Tuple.of(projectId))).replaceWithVoid())
                            .onFailure().call(e -> pool.preparedQuery("UPDATE backup_policy SET last_error = $2 "
                                    + "WHERE project_id = $1").execute(Tuple.of(projectId, truncate(
                                    OffsetDateTime.now(ZoneOffset.UTC) + ": " + MoveRunner.reason(e))))))
                            .onFailure().recoverWithNull();
                })
                .collect().last().replaceWithVoid();
    }

    /**
     * Records when servers went down; fails over the labs of servers down past the grace time; deletes the stale
     * copies on servers that came back.
     */
    private Uni<Void> watchServers() {
        return gateway.servers().chain(servers -> {
            Set<UUID> down = new HashSet<>();
            Set<UUID> up = new HashSet<>();
            for (ServerView s : servers) {
                if ("down".equalsIgnoreCase(s.status())) {
                    down.add(s.id());
                } else if ("up".equalsIgnoreCase(s.status()) || "degraded".equalsIgnoreCase(s.status())) {
                    up.add(s.id());
                }
            }
            return pool.preparedQuery("INSERT INTO fleet_server_down (server_id, down_since) SELECT unnest($1::uuid[]), "
                            + "now() ON CONFLICT DO NOTHING").execute(Tuple.of(down.toArray(new UUID[0])))
                    .chain(() -> pool.preparedQuery("DELETE FROM fleet_server_down WHERE NOT (server_id = ANY($1))")
                            .execute(Tuple.of(down.toArray(new UUID[0]))))
                    .chain(this::failovers)
                    .chain(() -> removeStale(up));
        });
    }

    /**
     * Claims labs with failover on servers down past the grace time (one failover in flight per lab) and restores
     * them. A failover whose replica died first has its partial copy deleted and is ended failed; the lab is claimed
     * again at once (its server is still down).
     */
    private Uni<Void> failovers() {
        String claim = """
                INSERT INTO fleet_incident (id, project_id, failed_server_id, state, owner, lease_until, created_at)
                SELECT gen_random_uuid(), p.id, p.server_id, 'RESTORING', $1, now() + $2 * interval '1 millisecond', now()
                FROM project p JOIN backup_policy b ON b.project_id = p.id AND b.failover
                JOIN fleet_server_down d ON d.server_id = p.server_id
                WHERE d.down_since < now() - $3 * interval '1 millisecond'
                  AND EXISTS (SELECT 1 FROM lab_backup l WHERE l.project_id = p.id)
                  AND NOT EXISTS (SELECT 1 FROM fleet_incident i WHERE i.project_id = p.id AND (i.state = 'RESTORING'
                      OR i.state = 'FAILED' AND i.finished_at > now() - $4 * interval '1 millisecond'))
                LIMIT 8
                ON CONFLICT DO NOTHING
                RETURNING id, project_id, failed_server_id""";
        return abandoned()
                .chain(() -> pool.preparedQuery(claim).execute(Tuple.of(replica, config.failoverLease().toMillis(),
                        config.grace().toMillis(), config.retryDelay().toMillis())))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndMerge(row -> onOwnContext(() -> failover(row.getUUID("id"),
                        row.getUUID("project_id"), row.getUUID("failed_server_id"))).onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /** Failovers whose replica died: the partial copy on their target goes, then the incident ends failed. */
    private Uni<Void> abandoned() {
        return pool.preparedQuery("UPDATE fleet_incident SET owner = $1, lease_until = now() + interval '1 minute' "
                        + "WHERE id IN (SELECT id FROM fleet_incident WHERE state = 'RESTORING' AND lease_until < now() "
                        + "FOR UPDATE SKIP LOCKED) RETURNING id, project_id, restored_server_id")
                .execute(Tuple.of(replica))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> {
                    UUID target = row.getUUID("restored_server_id");
                    UUID projectId = row.getUUID("project_id");
                    return onOwnContext(() -> Panache.withSession(() -> Project.<Project>findById(projectId))
                            .chain(lab -> {
                                if (target != null && lab != null && target.equals(lab.serverId)) {
                                    // the lab's record was moved before the replica stopped: the failover is done
                                    return endIncident(row.getUUID("id"), "RESTORED", target, null, null,
                                            "every change to the lab after its last backup (the replica that restored "
                                                    + "it stopped before recording which backup)");
                                }
                                return (target == null ? Uni.createFrom().voidItem() : deleteOnGns3(target, projectId))
                                        .chain(() -> endIncident(row.getUUID("id"), "FAILED", null, null, null,
                                                "interrupted: the replica restoring it stopped; the partial copy was "
                                                        + "deleted and the failover is tried again after "
                                                        + "labfleet.project.backups.retry-delay"));
                            }))
                            .onFailure().recoverWithNull();
                })
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> failover(UUID incidentId, UUID projectId, UUID failed) {
        LOG.infof("failover of lab %s: server %s is down past the grace time", projectId, failed);
        return pool.preparedQuery("SELECT * FROM lab_backup WHERE project_id = $1 ORDER BY taken_at DESC LIMIT 1")
                .execute(Tuple.of(projectId)).chain(rows -> {
                    if (rows.size() == 0) {
                        return endIncident(incidentId, "FAILED", null, null, null,
                                "no backup of the lab exists: it cannot be restored elsewhere");
                    }
                    Row backup = rows.iterator().next();
                    MovePlan plan = MoveRunner.read(backup.getString("plan"));
                    return Panache.withSession(() -> Project.<Project>findById(projectId)).chain(lab -> lab == null
                            ? Uni.createFrom().failure(new IllegalStateException("the lab was deleted"))
                            // never onto a server that still holds a partial copy a failed move left
                            : LeftoverSweeper.pendingServers(pool, projectId).chain(leftovers -> {
                                List<UUID> avoid = new java.util.ArrayList<>(leftovers);
                                avoid.add(failed);
                                return gateway.place(new PlacementRequest(plan == null ? 0 : plan.nodes().size(),
                                        null, null, avoid, null, null));
                            }).map(v -> v.serverId())
                            .call(target -> pool.preparedQuery("UPDATE fleet_incident SET restored_server_id = $2, "
                                    + "lease_until = now() + $4 * interval '1 millisecond' WHERE id = $1 AND owner = $3 "
                                    + "AND state = 'RESTORING'").execute(Tuple.of(incidentId, target, replica,
                                    config.failoverLease().toMillis())).invoke(updated -> {
                                        if (updated.rowCount() == 0) {
                                            throw new IllegalStateException("the failover was taken over");
                                        }
                                    }))
                            .chain(target -> restoreOn(target, projectId, lab.name, backup, plan)
                                    .chain(() -> commitFailover(incidentId, lab.id, failed, target, backup, plan))
                                    .onFailure().call(e -> deleteOnGns3(target, projectId)
                                            .onFailure().recoverWithNull())))
                            .onFailure().recoverWithUni(e -> endIncident(incidentId, "FAILED", null,
                                    backup.getUUID("id"), backup.getOffsetDateTime("taken_at"),
                                    "restore failed: " + MoveRunner.reason(e)));
                });
    }

    /** The lab's record points at the new server and the incident says what was lost, in one transaction. */
    private Uni<Void> commitFailover(UUID incidentId, UUID projectId, UUID failed, UUID target, Row backup,
                                     MovePlan plan) {
        OffsetDateTime takenAt = backup.getOffsetDateTime("taken_at");
        String lost = "every change to the lab after its backup of " + takenAt + " (backup " + backup.getUUID("id")
                + "): nodes, links, configurations and files changed on server " + failed + " since then";
        return Panache.withTransaction(() -> Project.<Project>findById(projectId).chain(lab -> {
            if (lab == null || !lab.serverId.equals(failed)) {
                throw new IllegalStateException(lab == null ? "the lab was deleted during the failover"
                        : "the lab's record changed server during the failover");
            }
            lab.serverId = target;
            lab.status = plan != null && plan.opened() ? ProjectStatus.OPENED : ProjectStatus.CLOSED;
            lab.runningNodes = plan == null ? 0 : (int) plan.running();
            lab.nodeCount = plan == null ? lab.nodeCount : plan.nodes().size();
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            lab.updatedAt = now;
            // the lab moved: the event of a move, marked as a failover and saying what was lost since the backup
            ObjectNode moved = CloudEventCodec.mapper().createObjectNode();
            moved.put("reason", "failover").put("incidentId", incidentId.toString())
                    .put("projectId", projectId.toString()).put("fromServerId", failed.toString())
                    .put("toServerId", target.toString())
                    .put("includeSnapshots", backup.getBoolean("include_snapshots")).put("at", now.toString())
                    .put("backupId", backup.getUUID("id").toString()).put("backupTakenAt", takenAt.toString())
                    .put("lost", lost);
            moved.set("project", CloudEventCodec.mapper().valueToTree(ProjectState.of(lab)));
            return events.publish(EventTypes.LAB_PROJECT_MOVED, lab, moved)
                    .chain(() -> events.publish(EventTypes.LAB_PROJECT_UPDATED, lab));
        })).chain(() -> endIncident(incidentId, "RESTORED", target, backup.getUUID("id"), takenAt, lost));
    }

    private Uni<Void> endIncident(UUID incidentId, String state, UUID target, UUID backupId, OffsetDateTime takenAt,
                                  String text) {
        boolean ok = "RESTORED".equals(state);
        return pool.preparedQuery("UPDATE fleet_incident SET state = $2, restored_server_id = coalesce($3, "
                        + "restored_server_id), backup_id = coalesce($4, backup_id), backup_taken_at = coalesce($5, "
                        + "backup_taken_at), lost = $6, error = $7, owner = NULL, "
                        + "lease_until = NULL, finished_at = now() WHERE id = $1")
                .execute(Tuple.from(Arrays.<Object>asList(incidentId, state, target, backupId, takenAt,
                        ok ? text : null, ok ? null : truncate(text))))
                .invoke(() -> LOG.infof("incident %s: %s%s", incidentId, state.toLowerCase(), ok ? "" : " (" + text + ")"))
                .replaceWithVoid();
    }

    /** Servers back up: the copies of labs restored elsewhere are deleted there (never reopened). */
    private Uni<Void> removeStale(Set<UUID> up) {
        if (up.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("SELECT i.id, i.project_id, i.failed_server_id FROM fleet_incident i "
                        + "JOIN project p ON p.id = i.project_id AND p.server_id <> i.failed_server_id "
                        + "WHERE i.state = 'RESTORED' AND NOT i.stale_removed AND i.failed_server_id = ANY($1) LIMIT 16")
                .execute(Tuple.of(up.toArray(new UUID[0])))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> deleteOnGns3(row.getUUID("failed_server_id"),
                                row.getUUID("project_id"))
                        .chain(() -> pool.preparedQuery("UPDATE fleet_incident SET stale_removed = true, "
                                + "stale_removed_at = now() WHERE id = $1").execute(Tuple.of(row.getUUID("id"))))
                        .invoke(() -> LOG.infof("lab %s: its stale copy on server %s (back after a failover) is deleted",
                                row.getUUID("project_id"), row.getUUID("failed_server_id")))
                        .replaceWithVoid()
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /** A lab's incidents, newest first (for whoever may see the lab). */
    public Uni<List<IncidentView>> incidents(UUID projectId) {
        return projects.find(projectId).chain(lab -> pool.preparedQuery("SELECT * FROM fleet_incident "
                + "WHERE project_id = $1 ORDER BY created_at DESC").execute(Tuple.of(projectId)).map(BackupService::incidents));
    }

    /** Every incident, newest first (admins). */
    public Uni<List<IncidentView>> allIncidents() {
        return pool.query("SELECT * FROM fleet_incident ORDER BY created_at DESC LIMIT 500").execute()
                .map(BackupService::incidents);
    }

    private static List<IncidentView> incidents(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        List<IncidentView> list = new ArrayList<>();
        for (Row row : rows) {
            list.add(new IncidentView(row.getUUID("id"), row.getUUID("project_id"), row.getUUID("failed_server_id"),
                    row.getUUID("restored_server_id"), row.getString("state").toLowerCase(), row.getUUID("backup_id"),
                    row.getOffsetDateTime("backup_taken_at"), row.getString("lost"), row.getString("error"),
                    row.getBoolean("stale_removed"), row.getOffsetDateTime("created_at"),
                    row.getOffsetDateTime("finished_at")));
        }
        return list;
    }

    private static String write(MovePlan plan) {
        try {
            return CloudEventCodec.mapper().writeValueAsString(plan);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
