package dev.labfleet.project.fleet;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Backups and failover ({@code labfleet.project.backups.*}). */
@ConfigMapping(prefix = "labfleet.project.backups")
public interface BackupConfig {

    /** How often each replica looks for backups due and servers down. */
    @WithDefault("5s")
    Duration tick();

    /** Shortest interval a policy may ask for. */
    @WithDefault("60s")
    Duration minInterval();

    /** How long a server stays down before the labs with failover on it are restored elsewhere. */
    @WithDefault("5m")
    Duration grace();

    /** How long a replica holds a failover before another may take it over (renewed when the target is chosen). */
    @WithDefault("10m")
    Duration failoverLease();

    /** How long after a failed failover of a lab it is tried again (while its server is still down). */
    @WithDefault("1m")
    Duration retryDelay();
}
