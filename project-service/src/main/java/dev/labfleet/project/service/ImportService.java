package dev.labfleet.project.service;

import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.gatewayclient.ArchiveUpload;
import dev.labfleet.project.config.JobConfig;
import dev.labfleet.project.domain.LabImport;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.service.job.JobLease;
import dev.labfleet.project.service.job.JobRunner;
import dev.labfleet.project.service.job.JobTable;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import dev.labfleet.support.security.AuthProblems;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Imports of {@code .gns3project} archives as operations ({@link LabImport}). The import is written (running, held
 * by this replica under a heartbeat-renewed lease) before a byte of the archive is read; the archive then streams
 * from the client's request to GNS3, and the new lab is recorded in one transaction with the import's ending, fenced
 * by the lease: a replica that lost its lease records nothing.
 *
 * <p>The archive exists only in the receiving replica's request, so an import cannot be resumed elsewhere. What is
 * made durable is its ending: an import that fails (a 413 while streaming, GNS3 refusing the archive, the name taken
 * meanwhile, the client gone) ends {@code FAILED} with its problem and its GNS3 project removed; one whose replica
 * died is claimed by another replica once its lease runs out ({@code FOR UPDATE SKIP LOCKED}), which removes the
 * partial GNS3 project and ends it {@code FAILED} ("upload the archive again"). A removal that fails (the GNS3 server
 * away) leaves the import running and unowned, so the next claim tries again, up to
 * {@code labfleet.project.jobs.max-attempts}. No lab is ever recorded for a failed import, and none is left
 * unrecorded on GNS3 once the import ended.
 */
@ApplicationScoped
public class ImportService {

    private static final Logger LOG = Logger.getLogger(ImportService.class);
    public static final JobTable JOBS = new JobTable("lab_import", LabImport.Status.RUNNING.name());
    static final String INTERRUPTED = "the replica receiving the archive stopped before the import ended: nothing was "
            + "recorded and the partial project was removed from GNS3; upload the archive again";

    private static final String FINISH = "update lab_import set status = $3, error = $4, error_status = $5, "
            + "owner = null, lease_until = null, finished_at = now(), heartbeat_at = now() "
            + "where id = $1 and owner = $2 and status = 'RUNNING'";
    /** A failure recorded, its cleanup left to the next claim (any replica, at once). */
    private static final String HAND_OVER = "update lab_import set error = $3, error_status = $4, owner = null, "
            + "lease_until = now() where id = $1 and owner = $2 and status = 'RUNNING'";

    private final ProjectService projects;
    private final JobRunner jobs;
    private final JobConfig jobConfig;
    private final Pool pool;

    public ImportService(ProjectService projects, JobRunner jobs, JobConfig jobConfig, Pool pool) {
        this.projects = projects;
        this.jobs = jobs;
        this.jobConfig = jobConfig;
        this.pool = pool;
    }

    /**
     * An accepted import: as accepted (running), when its archive was all received, and its ending.
     *
     * @param received completes once the client sent the whole archive; never for an upload refused or cut short
     * @param finished the import as it ended (succeeded or failed), or as it was left running when its cleanup has
     *                 to wait for a GNS3 server
     */
    public record Begun(ImportState accepted, CompletionStage<Long> received, CompletableFuture<ImportState> finished) {
    }

    /**
     * Checks the name and the server, records the import and starts streaming the archive to GNS3.
     *
     * @param importId the caller's id for the import (so it can follow the import before the answer), or null
     * @throws ProblemException (as a failure) 409 when the owner has a lab of that name or the importId is taken,
     *                          503 when no server can take it; nothing of the archive was read then
     */
    public Uni<Begun> begin(String name, UUID serverId, String owner, UUID importId, ArchiveUpload archive) {
        Uni<Void> fresh = importId == null ? Uni.createFrom().voidItem()
                : Panache.withSession(() -> LabImport.<LabImport>findById(importId))
                .chain(existing -> existing == null ? Uni.createFrom().voidItem()
                        : Uni.createFrom().failure(taken(importId, existing.status.name().toLowerCase())));
        return fresh.chain(() -> projects.importTarget(name, serverId, owner)).chain(target -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            LabImport row = new LabImport();
            row.id = importId != null ? importId : UUID.randomUUID();
            row.projectId = UUID.randomUUID();
            row.serverId = target.serverId();
            row.name = name;
            row.labOwner = target.owner();
            row.status = LabImport.Status.RUNNING;
            row.owner = jobs.replica();
            row.leaseUntil = now.plus(jobConfig.lease());
            row.attempts = 1;
            row.createdAt = now;
            row.heartbeatAt = now;
            return Panache.withTransaction(() -> row.persist())
                    // the same importId sent twice at once: the second is refused before its archive is read
                    .onFailure(ProjectService::isUniqueViolation).transform(e -> taken(row.id, "running"))
                    .map(ignored -> {
                JobLease lease = jobs.accepted(JOBS, row.id);
                CompletableFuture<ImportState> finished = new CompletableFuture<>();
                // not tied to the request's answer: a 202 (or a caller that stops waiting) ends nothing here
                jobs.hold(lease, run(lease, row, archive))
                        .subscribe().with(finished::complete, finished::completeExceptionally);
                return new Begun(ImportState.of(row), archive.received().toCompletionStage(), finished);
            });
        });
    }

    /** An importId already used: each import (each upload of an archive) has an id of its own. */
    private static ProblemException taken(UUID importId, String status) {
        return new ProblemException(ProblemException.conflict("import " + importId + " exists (" + status
                + "): follow it at /api/v1/projects/imports/" + importId + ", or upload again with another importId")
                .problem().with("importId", importId));
    }

    /** One import as recorded, for any replica to report to a caller who may see the lab it makes. */
    public Uni<ImportState> get(UUID importId) {
        return read(importId).invoke(view -> {
            // seen by whoever may see the lab it makes (its owner, admins; group tags come with the lab itself)
            SecurityIdentity caller = Caller.current();
            if (!LabAccess.canSee(caller, view.owner(), List.of())) {
                throw AuthProblems.forbidden("import " + importId + " makes a lab of " + view.owner()
                        + ": it may not be read by " + Caller.name(caller));
            }
        });
    }

    /** One import as recorded (no caller: also for the import's own background work). */
    private Uni<ImportState> read(UUID importId) {
        return Panache.withSession(() -> LabImport.<LabImport>findById(importId)).map(row -> {
            if (row == null) {
                throw new ProblemException(ProblemException.notFound("no import " + importId).problem()
                        .with("importId", importId));
            }
            return ImportState.of(row);
        });
    }

    /** The fence lost: another replica holds the import (this one's heartbeat lapsed). */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost(UUID importId) {
            super("import " + importId + " is no longer this replica's", null, false, false);
        }
    }

    private Uni<ImportState> run(JobLease lease, LabImport row, ArchiveUpload archive) {
        return projects.importToGns3(row.serverId, row.projectId, row.name, archive)
                .chain(gns3 -> projects.recordImported(row.projectId, row.labOwner, row.serverId, row.name, gns3,
                        () -> succeeded(lease, row.id, archive)))
                .chain(() -> read(row.id))
                .onFailure().recoverWithUni(e -> failed(lease, row, e));
    }

    /** In the lab's transaction: the import ends succeeded, only while this replica still holds it. */
    private Uni<Void> succeeded(JobLease lease, UUID importId, ArchiveUpload archive) {
        return LabImport.<LabImport>findById(importId, LockModeType.PESSIMISTIC_WRITE).invoke(row -> {
            if (row == null || row.status != LabImport.Status.RUNNING || !lease.owner().equals(row.owner)) {
                throw new LeaseLost(importId);
            }
            row.status = LabImport.Status.SUCCEEDED;
            row.receivedBytes = archive.received().result();
            row.owner = null;
            row.leaseUntil = null;
            row.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
            row.heartbeatAt = row.finishedAt;
        }).replaceWithVoid();
    }

    /**
     * The import failed here: its GNS3 project (nobody records it) is removed and the import ends failed with its
     * problem; when the removal fails, the problem is recorded and the import handed over for the next claim.
     */
    private Uni<ImportState> failed(JobLease lease, LabImport row, Throwable e) {
        boolean lost = e instanceof LeaseLost;
        int status = e instanceof ProblemException p ? p.problem().status() : 502;
        String detail = e instanceof ProblemException p && p.problem().detail() != null ? p.problem().detail()
                : "import project: " + UpstreamProblems.describe(e);
        if (!lost) {
            LOG.infof("import %s of lab %s failed (%d): %s", row.id, row.projectId, status, detail);
        }
        return projects.removeFromGns3(row.serverId, row.projectId)
                .chain(() -> lost ? Uni.createFrom().voidItem()
                        : sql(FINISH, Tuple.of(row.id, lease.owner(), LabImport.Status.FAILED.name(), cut(detail))
                                .addInteger(status)))
                .onFailure().recoverWithUni(removal -> {
                    LOG.warnf("import %s: its GNS3 project %s could not be removed yet (%s); the next claim retries",
                            row.id, row.projectId, removal.toString());
                    return lost ? Uni.createFrom().voidItem()
                            : sql(HAND_OVER, Tuple.of(row.id, lease.owner(), cut(detail), status));
                })
                .onFailure().invoke(f -> LOG.warnf("import %s: its failure could not be recorded (%s); another "
                        + "replica ends it when its lease runs out", row.id, f.toString()))
                .onFailure().recoverWithNull()
                .chain(() -> read(row.id));
    }

    /** Imports whose replica died (or that wait for their cleanup) are claimed here and ended. */
    @Scheduled(every = "${labfleet.project.jobs.claim-interval:2s}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> resumeOrphans() {
        return jobs.resumeExpired(JOBS, this::cleanUp).replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("looking for orphaned imports failed: %s", e))
                .onFailure().recoverWithNull();
    }

    /** An import claimed from a replica that stopped: its archive is gone, so it ends, leaving nothing behind. */
    Uni<Void> cleanUp(JobLease lease) {
        return Panache.withSession(() -> LabImport.<LabImport>findById(lease.jobId())
                        .chain(row -> row == null ? Uni.createFrom().item(new Claimed(null, false))
                                : Project.<Project>findById(row.projectId).map(p -> new Claimed(row, p != null))))
                .chain(claimed -> {
                    LabImport row = claimed.row();
                    if (row == null || row.status != LabImport.Status.RUNNING || !lease.owner().equals(row.owner)) {
                        return Uni.createFrom().voidItem();
                    }
                    if (claimed.recorded()) {
                        // cannot happen (the lab is recorded with the import's ending), kept for a hand-edited row
                        return sql(FINISH, Tuple.of(row.id, lease.owner(), LabImport.Status.SUCCEEDED.name(), null)
                                .addInteger(null));
                    }
                    String error = row.error != null ? row.error : INTERRUPTED;
                    int status = row.errorStatus != null ? row.errorStatus : 503;
                    return projects.removeFromGns3(row.serverId, row.projectId)
                            .chain(() -> sql(FINISH, Tuple.of(row.id, lease.owner(), LabImport.Status.FAILED.name(),
                                    error).addInteger(status)))
                            .invoke(() -> LOG.infof("import %s ended failed after its replica stopped (attempt %d); "
                                    + "GNS3 project %s removed", row.id, lease.attempt(), row.projectId))
                            .onFailure().recoverWithUni(removal -> lease.attempt() <= jobConfig.maxAttempts()
                                    // the server away: the lease runs out and the next claim tries again
                                    ? Uni.createFrom().voidItem()
                                    : sql(FINISH, Tuple.of(row.id, lease.owner(), LabImport.Status.FAILED.name(),
                                    cut(error + "; its partial project " + row.projectId + " could not be removed "
                                            + "from GNS3 server " + row.serverId + " ("
                                            + UpstreamProblems.describe(removal) + ")")).addInteger(status)));
                });
    }

    private record Claimed(LabImport row, boolean recorded) {
    }

    private Uni<Void> sql(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).replaceWithVoid();
    }

    private static String cut(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000);
    }
}
