package dev.labfleet.project.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Durable jobs (staggered starts and stops): each is held by one replica under a short lease renewed by a
 * heartbeat; a job whose lease runs out (its replica died) is claimed and resumed by another replica.
 */
@ConfigMapping(prefix = "labfleet.project.jobs")
public interface JobConfig {

    /** How long a replica holds a job without renewing it: a crashed replica's jobs resume after about this long. */
    @WithDefault("15s")
    Duration lease();

    /** How often a holder renews its leases (well under {@link #lease()}). */
    @WithDefault("5s")
    Duration heartbeat();

    /** How often each replica looks for jobs whose lease ran out (the scheduler's {@code every}). */
    @WithDefault("2s")
    String claimInterval();

    /** Jobs one replica claims per look. */
    @WithDefault("10")
    int claimBatch();

    /** A job taken this many times without ending (every replica died on it) ends as interrupted. */
    @WithDefault("5")
    int maxAttempts();

    /** On a graceful stop, how long this replica lets its running steps end before handing its jobs over. */
    @WithDefault("5s")
    Duration handOver();

    /**
     * A resumed job's node whose start or stop was sent by the previous replica (and not seen to end) is watched
     * this long for GNS3 to finish it before the action is sent again: a node is not started twice.
     */
    @WithDefault("60s")
    Duration settle();
}
