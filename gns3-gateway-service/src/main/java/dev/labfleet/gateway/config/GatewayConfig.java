package dev.labfleet.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Everything the gateway lets operators tune, under {@code labfleet.gateway}. */
@ConfigMapping(prefix = "labfleet.gateway")
public interface GatewayConfig {

    /** GNS3 base URLs registered at startup, idempotently by URL ({@code LABFLEET_GNS3_URL}, comma-separated). */
    Optional<List<String>> bootstrapUrls();

    Crypto crypto();

    Client client();

    Breaker breaker();

    Retry retry();

    Health health();

    Bridge bridge();

    Placement placement();

    Batch batch();

    /** Encryption of stored GNS3 passwords (AES-256-GCM). */
    interface Crypto {
        /** The current key, base64 of 32 bytes ({@code LABFLEET_GATEWAY_CRYPTO_KEY}); new ciphertexts use it. */
        Optional<String> key();

        /** The current key's id, stored with every ciphertext so old ones stay readable after a rotation. */
        @WithDefault("k1")
        String keyId();

        /** Previous keys by id (base64), only for decrypting; rows are re-encrypted with the current key at startup. */
        Map<String, String> oldKeys();

        /**
         * Where the key lives when {@code key} is not set: read it, or create it (random, mode 0600, with a warning)
         * when the file does not exist. Set it empty to require {@code key} (startup then fails without one).
         */
        Optional<String> keyFile();
    }

    /** The GNS3 HTTP client. Per-server values stored in the registry override these defaults. */
    interface Client {
        /** GETs. */
        @WithDefault("10s")
        Duration readTimeout();

        /** Creates, updates and deletes of nodes, links, drawings, templates. */
        @WithDefault("30s")
        Duration writeTimeout();

        /** Start, stop, suspend, reload, open, close, snapshots, duplicates, project deletes: minutes on real images. */
        @WithDefault("5m")
        Duration lifecycleTimeout();

        /** Exports and imports, until the first byte of the answer. */
        @WithDefault("10m")
        Duration transferTimeout();

        @WithDefault("3s")
        Duration connectTimeout();

        /** Concurrent requests to one server (its bulkhead and connection pool). */
        @WithDefault("16")
        int maxConcurrent();

        /** Requests waiting for a bulkhead slot before new ones are refused with 503. */
        @WithDefault("64")
        int queueSize();

        /**
         * Whether each call to GNS3 gets its own client span in traces. Off by default: a lab build makes thousands
         * of GNS3 calls under one request (a batch), each already timed by {@code gns3_api_request_seconds}; the
         * request's own span and trace id (in every log line) stay either way.
         */
        @WithDefault("false")
        boolean traceCalls();

        /** How long a replica trusts its cached copy of a server's registry row (URL, credentials, limits). */
        @WithDefault("5s")
        Duration registryCacheTtl();
    }

    /** One circuit breaker per server. */
    interface Breaker {
        /** Calls in the rolling window the failure ratio is computed over. */
        @WithDefault("10")
        int requestVolumeThreshold();

        @WithDefault("0.5")
        double failureRatio();

        /** How long the breaker stays open before letting a trial call through (half-open). */
        @WithDefault("10s")
        Duration delay();

        /** Successful trial calls that close it again. */
        @WithDefault("1")
        int successThreshold();
    }

    /** Retries of idempotent calls (GET, PUT, DELETE, creates with a client-supplied id). */
    interface Retry {
        @WithDefault("2")
        int maxRetries();

        @WithDefault("100ms")
        Duration initialBackoff();

        @WithDefault("2s")
        Duration maxBackoff();

        /** Random share (0..1) of each backoff added or removed. */
        @WithDefault("0.5")
        double jitter();
    }

    /** The health monitor. */
    interface Health {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("15s")
        Duration interval();

        /** Random share (0..1) of the interval added to each server's next check, so checks spread out. */
        @WithDefault("0.2")
        double jitter();

        /** Consecutive failed checks after which a server is DOWN (fewer: DEGRADED). */
        @WithDefault("3")
        int downAfter();

        /** A check slower than this makes the server DEGRADED. */
        @WithDefault("2s")
        Duration degradedLatency();

        /** Timeout of one check. */
        @WithDefault("5s")
        Duration timeout();

        /** Health history older than this is deleted. */
        @WithDefault("P7D")
        Duration retention();
    }

    /** The notification bridge to Kafka. */
    interface Bridge {
        @WithDefault("true")
        boolean enabled();

        @WithDefault("1s")
        Duration minBackoff();

        @WithDefault("30s")
        Duration maxBackoff();

        /** How often bridges are (re)assigned: servers added, removed, leases renewed, projects opened. */
        @WithDefault("3s")
        Duration superviseInterval();

        /** How long a replica owns a server's bridge without renewing it; another replica takes over after. */
        @WithDefault("15s")
        Duration lease();
    }

    /** Batches of GNS3 calls ({@code POST /api/v1/servers/{id}/batch}). */
    interface Batch {
        /** Operations one batch may hold: bounds the memory a batch takes, answer included. */
        @WithDefault("5000")
        int maxOperations();
    }

    interface Placement {
        /** least-loaded, round-robin or pinned. */
        @WithDefault("least-loaded")
        String strategy();

        /** Weight of running nodes in the load score (each node adds this many percentage points). */
        @WithDefault("0.5")
        double nodeWeight();

        /** The Redis counter replicas take round-robin turns from (tests count on their own). */
        @WithDefault("labfleet:gateway:placement:round-robin")
        String roundRobinKey();
    }
}
