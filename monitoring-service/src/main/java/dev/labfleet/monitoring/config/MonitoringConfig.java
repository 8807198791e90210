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

    History history();

    Anomalies anomalies();

    Alerts alerts();

    Drift drift();

    /** Drift of opened labs from the topology last applied to them (topology-service), part of their health. */
    interface Drift {
        /** How often the leader asks topology-service about each opened lab; 0 turns drift checks off. */
        @WithDefault("30s")
        Duration interval();

        /** Labs asked at once. */
        @WithDefault("4")
        int concurrency();

        /** Points a difference costs a lab's health score. */
        @WithDefault("5")
        int pointsPerDifference();

        /** Most points drift can cost. */
        @WithDefault("25")
        int maxPoints();
    }

    interface Anomalies {
        /** How long after a node stopped a lab stop or close (project-service) still explains it. */
        @WithDefault("10s")
        Duration stopGrace();

        /** Seconds of traffic a link's baseline needs before spikes and silences are judged. */
        @WithDefault("30")
        int warmup();

        /** EWMA weight of each new second in a baseline (about 2/(N+1) for N seconds of memory). */
        @WithDefault("0.05")
        double alpha();

        /** How far from the baseline, in standard deviations, a spike is. */
        @WithDefault("4")
        double spikeSigmas();

        /** A link whose baseline is at least this many pps and that carries nothing for silent-for is silent. */
        @WithDefault("1")
        double silentBaselinePps();

        @WithDefault("5s")
        Duration silentFor();

        @WithDefault("200")
        double broadcastStormPps();

        @WithDefault("1000")
        double icmpFloodPps();

        /** Distinct (address, port) destinations of one source within the rate window that make a scan. */
        @WithDefault("100")
        int scanTargets();

        /** A server latency above this many times its baseline (and 200 ms above it) is a jump. */
        @WithDefault("3")
        double latencyFactor();
    }

    interface Alerts {
        /** Encryption at rest of the webhook secrets (AES-256-GCM, service-support's SecretCipher). */
        Crypto crypto();

        /** Attempts before a delivery goes to the dead-letter list. */
        @WithDefault("8")
        int maxAttempts();

        /** First retry delay; doubled at each attempt up to max-backoff. */
        @WithDefault("2s")
        Duration initialBackoff();

        @WithDefault("5m")
        Duration maxBackoff();

        @WithDefault("5s")
        Duration timeout();
    }

    interface Crypto {
        /** The current key, base64 of 32 bytes ({@code LABFLEET_MONITORING_CRYPTO_KEY}); new ciphertexts use it. */
        java.util.Optional<String> key();

        /** The current key's id, stored with every ciphertext so old ones stay readable after a rotation. */
        @WithDefault("k1")
        String keyId();

        /** Previous keys by id (base64), only for decrypting; secrets are re-encrypted with the current key at start. */
        java.util.Map<String, String> oldKeys();

        /**
         * Where the key lives when {@code key} is not set: read it, or create it (random, mode 0600, with a warning)
         * when the file does not exist. Set it empty to require {@code key} (startup then fails without one).
         */
        java.util.Optional<String> keyFile();
    }

    /** Timeout of each call to the gateway and project-service. */
    @WithDefault("10s")
    Duration gatewayTimeout();

    /** The leader's period: sampling, auto-switch, detectors. */
    @WithDefault("1s")
    Duration tick();

    interface History {
        /** Redis key prefix of the 1 s traffic history. */
        @WithDefault("labfleet:monitoring:")
        String keyPrefix();
    }

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

        /**
         * How often pending deltas go out to the clients: each client gets at most one frame per interval, holding the
         * latest state of every object that changed, so the cost follows clients x intervals, not clients x events.
         */
        @WithDefault("50ms")
        Duration flushInterval();
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

        /** How often a rebuild is retried until one succeeded. */
        @WithDefault("5s")
        Duration retry();
    }
}
