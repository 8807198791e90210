package dev.labfleet.monitoring.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** monitoring-service's own settings ({@code labfleet.monitoring.*}). */
@ConfigMapping(prefix = "labfleet.monitoring")
public interface MonitoringConfig {

    Stream stream();

    Capture capture();

    Traffic traffic();

    AutoSwitch autoSwitch();

    Resync resync();

    interface Stream {
        /** Deltas kept for resuming clients (per replica); an older sequence gets a new snapshot. */
        @WithDefault("20000")
        int resumeBuffer();

        /** Distinct objects a client may have pending (coalesced: latest state wins) before it is closed. */
        @WithDefault("5000")
        int maxPending();

        /** How long one frame to a client may stay unwritten before the client is closed as too slow. */
        @WithDefault("10s")
        Duration maxSendWait();

        /** Deltas per frame at most. */
        @WithDefault("500")
        int maxBatch();
    }

    interface Capture {
        /** Concurrent link captures per GNS3 server (ours and user captures we read). */
        @WithDefault("8")
        int budgetPerServer();

        /** How long a capture lease lives without renewal; a crashed replica's captures are stopped after it. */
        @WithDefault("30s")
        Duration lease();

        /** How often captures are planned (started, rotated, stopped) and leases renewed. */
        @WithDefault("2s")
        Duration interval();

        /** How long each sampled link is captured before the rotation moves on. */
        @WithDefault("10s")
        Duration rotation();
    }

    interface Traffic {
        /** Seconds averaged for a link's current rate. */
        @WithDefault("3")
        int rateWindowSeconds();

        /** Packets per second above which a lab counts as carrying traffic. */
        @WithDefault("0.5")
        double activePps();
    }

    interface AutoSwitch {
        /** Whether the active lab follows the traffic when the service starts. */
        @WithDefault("true")
        boolean enabled();

        /** How long the active lab must be idle before another lab with traffic takes over. */
        @WithDefault("30s")
        Duration idleFor();

        /** How long a lab must carry traffic before it can take over (hysteresis). */
        @WithDefault("5s")
        Duration activeFor();

        /** Least time between two switches (hysteresis). */
        @WithDefault("30s")
        Duration minDwell();
    }

    interface Resync {
        /** Labs read at once while the model is rebuilt from the gateway. */
        @WithDefault("4")
        int concurrency();
    }
}
