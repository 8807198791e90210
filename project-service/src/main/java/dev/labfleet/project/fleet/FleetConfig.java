package dev.labfleet.project.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Moves and evacuations ({@code labfleet.project.fleet.*}). */
@ConfigMapping(prefix = "labfleet.project.fleet")
public interface FleetConfig {

    /**
     * How long a replica holds a move without renewing it; a move whose lease ran out (its replica died) is taken
     * over by another: rolled back before its commit, finished after.
     */
    @WithDefault("60s")
    Duration lease();

    /** How often each replica renews its leases and looks for moves to claim. */
    @WithDefault("1s")
    Duration claimInterval();

    /**
     * First wait before deleting again a partial copy a rollback could not delete (its server did not answer);
     * doubled after every failed try, up to {@link #leftoverRetryMax()}.
     */
    @WithDefault("10s")
    Duration leftoverRetry();

    @WithDefault("10m")
    Duration leftoverRetryMax();

    /** How often each replica looks for leftover copies due to be deleted again. */
    @WithDefault("5s")
    Duration leftoverInterval();

    /** Moves one replica runs at once, whatever the evacuations allow. */
    @WithDefault("4")
    int maxMovesPerReplica();

    /** Labs an evacuation moves at once (across replicas) unless the request says. */
    @WithDefault("2")
    int defaultConcurrency();

    /** Nodes started at once on the target (staggered, with the lab's start priorities). */
    @WithDefault("5")
    int startBatchSize();

    /** Pause between two start batches on the target. */
    @WithDefault("1s")
    Duration startDelay();

    /** Copies of a class made at once on one server (fewer when the server's own maxConcurrent is lower). */
    @WithDefault("4")
    int copiesPerServer();

    /** Copies one replica makes at once, whatever the servers allow. */
    @WithDefault("16")
    int maxCopiesPerReplica();

    /** Labs a server of capacity weight 1.0 holds at most when copies are placed on it (weight 2.0: twice as many). */
    @WithDefault("200")
    int serverLabCapacity();

    /** Times a copy is taken over after its replica died before it is reported failed. */
    @WithDefault("3")
    int copyAttempts();
}
