package dev.labfleet.project.service.job;

import java.util.UUID;

/**
 * This replica's hold on one durable job. Every write of the job's progress is fenced by {@link #owner()} (a write
 * whose {@code owner} no longer matches changes nothing), and the work asks {@link #active()} before each step
 * that reaches GNS3: once the lease is lost (another replica took the job after a missed heartbeat) or this replica
 * is stopping, no new step starts.
 */
public final class JobLease {

    private final JobTable table;
    private final UUID jobId;
    private final String owner;
    private final int attempt;
    private volatile boolean lost;
    private volatile boolean stopping;

    JobLease(JobTable table, UUID jobId, String owner, int attempt) {
        this.table = table;
        this.jobId = jobId;
        this.owner = owner;
        this.attempt = attempt;
    }

    public JobTable table() {
        return table;
    }

    public UUID jobId() {
        return jobId;
    }

    /** The replica holding the job: the value of the job's {@code owner} column while this lease holds. */
    public String owner() {
        return owner;
    }

    /** 1 for the replica that accepted the job, more when it was resumed by another. */
    public int attempt() {
        return attempt;
    }

    /** True while new steps may start: the lease holds and this replica is not stopping. */
    public boolean active() {
        return !lost && !stopping;
    }

    /** The job is no longer this replica's (its heartbeat found another owner, or the job ended elsewhere). */
    public boolean lost() {
        return lost;
    }

    void markLost() {
        lost = true;
    }

    void markStopping() {
        stopping = true;
    }

    /** Thrown (as a failure) by a step refused because the lease is no longer active. */
    public static final class Inactive extends RuntimeException {
        public Inactive(UUID jobId) {
            super("job " + jobId + " is no longer run by this replica", null, false, false);
        }
    }
}
