package dev.labfleet.project.service.job;

import dev.labfleet.project.config.JobConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs durable jobs (rows of a {@link JobTable}) so that no replica's death loses one and no two replicas run one at
 * once. The replica that accepts a job writes it with itself as {@code owner} and a short lease and runs it at once;
 * while it runs, this runner renews the lease every {@code labfleet.project.jobs.heartbeat}. Every replica looks
 * for jobs whose lease ran out (their replica died or hung) and claims them with {@code FOR UPDATE SKIP LOCKED}, so
 * each is taken by exactly one; the work then resumes from what the job recorded. A heartbeat that finds the job
 * owned by another replica marks the lease lost, and the work starts no further step. On a graceful stop, running
 * steps get {@code labfleet.project.jobs.hand-over} to end, then the leases are released for others to take at once.
 *
 * <p>Each job runs on a Vert.x duplicated context of its own (Quarkus' {@link VertxContextSupport}): it outlives the
 * request or tick that started it, and its Hibernate Reactive sessions are never shared with another's.
 */
@ApplicationScoped
public class JobRunner {

    private static final Logger LOG = Logger.getLogger(JobRunner.class);

    /**
     * {@link VertxContextSupport} reuses the caller's context when there is one: jobs are handed to it from this
     * thread, which has none, so each gets a fresh context.
     */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "labfleet-job-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private final Pool pool;
    private final JobConfig config;
    private final String replica = "project-" + UUID.randomUUID();
    private final Map<UUID, Running> running = new ConcurrentHashMap<>();

    private record Running(JobLease lease, CompletableFuture<Void> ended) {
    }

    public JobRunner(Pool pool, JobConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** This replica's name in {@code owner} columns. */
    public String replica() {
        return replica;
    }

    /** The lease seconds to write with a job this replica accepts (it must set {@code owner} to {@link #replica()}). */
    public double leaseSeconds() {
        return config.lease().toMillis() / 1000.0;
    }

    /** The lease of a job this replica just wrote as its own (attempt 1). */
    public JobLease accepted(JobTable table, UUID jobId) {
        return new JobLease(table, jobId, replica, 1);
    }

    /**
     * Runs {@code work} for a job this replica holds, on a fresh context, renewing its lease until the work ends.
     * A job already running here is left as it is.
     */
    public void run(JobLease lease, Function<JobLease, Uni<?>> work) {
        Running entry = new Running(lease, new CompletableFuture<>());
        if (running.putIfAbsent(lease.jobId(), entry) != null) {
            return;
        }
        LAUNCHER.execute(() -> VertxContextSupport.subscribe(
                () -> Uni.createFrom().deferred(() -> work.apply(lease))
                        .onTermination().invoke(() -> {
                            running.remove(lease.jobId(), entry);
                            entry.ended().complete(null);
                        })
                        .toMulti(),
                subscribe -> subscribe.with(ignored -> { },
                        e -> LOG.errorf(e, "job %s of %s ended without its outcome recorded (another replica "
                                + "resumes it when its lease runs out)", lease.jobId(), lease.table().table()))));
    }

    /**
     * Runs {@code work} where it is subscribed (for a job whose work cannot move to a context of its own, such as an
     * import fed by its request's body), renewing the job's lease until the work ends, fails or is cancelled.
     */
    public <T> Uni<T> hold(JobLease lease, Uni<T> work) {
        return Uni.createFrom().deferred(() -> {
            Running entry = new Running(lease, new CompletableFuture<>());
            if (running.putIfAbsent(lease.jobId(), entry) != null) {
                return Uni.createFrom().failure(new JobLease.Inactive(lease.jobId()));
            }
            return work.onTermination().invoke(() -> {
                running.remove(lease.jobId(), entry);
                entry.ended().complete(null);
            });
        });
    }

    /**
     * Claims up to {@code labfleet.project.jobs.claim-batch} jobs of {@code table} whose lease ran out and runs
     * {@code work} for each. Answers how many were claimed.
     */
    public Uni<Integer> resumeExpired(JobTable table, Function<JobLease, Uni<?>> work) {
        return pool.preparedQuery(table.claimSql())
                .execute(Tuple.of(replica, leaseSeconds(), config.claimBatch()))
                .map(rows -> {
                    List<JobLease> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new JobLease(table, row.getUUID("id"), replica, row.getInteger("attempts")));
                    }
                    return claimed;
                })
                .invoke(claimed -> claimed.forEach(lease -> {
                    LOG.infof("resuming job %s of %s (attempt %d)", lease.jobId(), table.table(), lease.attempt());
                    run(lease, work);
                }))
                .map(List::size);
    }

    /** Renews every lease this replica holds; one found owned elsewhere (or ended) is marked lost. */
    @Scheduled(every = "${labfleet.project.jobs.heartbeat:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(List.copyOf(running.values()))
                .onItem().transformToUniAndMerge(entry -> {
                    JobLease lease = entry.lease();
                    return pool.preparedQuery(lease.table().renewSql())
                            .execute(Tuple.of(lease.jobId(), lease.owner(), leaseSeconds()))
                            .invoke(rows -> {
                                Row row = rows.iterator().next();
                                // a job this replica just finished is not running any more: not taken, nothing to say
                                if (row.getLong("renewed") == 0 && row.getBoolean("running")
                                        && !entry.ended().isDone()) {
                                    LOG.warnf("job %s of %s is no longer this replica's: its remaining steps are "
                                            + "left to the replica that holds it", lease.jobId(), lease.table().table());
                                    lease.markLost();
                                }
                            })
                            .replaceWithVoid()
                            // a database hiccup: the next beat tries again (the lease outlasts a few missed beats)
                            .onFailure().invoke(e -> LOG.debugf("heartbeat of job %s failed: %s", lease.jobId(), e))
                            .onFailure().recoverWithNull();
                })
                .collect().last().replaceWithVoid();
    }

    /** A graceful stop: no new steps, the running ones get a moment to end, then the jobs are handed over. */
    void onStop(@Observes ShutdownEvent event) {
        List<Running> held = List.copyOf(running.values());
        if (held.isEmpty()) {
            return;
        }
        held.forEach(r -> r.lease().markStopping());
        try {
            CompletableFuture.allOf(held.stream().map(Running::ended).toArray(CompletableFuture[]::new))
                    .get(config.handOver().toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.infof("%d job steps still running at shutdown; handing the jobs over anyway", held.size());
        }
        for (Running r : held) {
            JobLease lease = r.lease();
            try {
                // the shutdown thread, never an event loop: waiting here is what lets another replica start at once
                pool.preparedQuery(lease.table().releaseSql()).execute(Tuple.of(lease.jobId(), lease.owner()))
                        .await().atMost(java.time.Duration.ofSeconds(2));
                LOG.infof("job %s of %s handed over", lease.jobId(), lease.table().table());
            } catch (RuntimeException e) {
                LOG.infof("job %s of %s not handed over (%s): another replica takes it when its lease runs out",
                        lease.jobId(), lease.table().table(), e.toString());
            }
        }
    }
}
