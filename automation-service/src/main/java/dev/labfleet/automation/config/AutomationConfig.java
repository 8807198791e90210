package dev.labfleet.automation.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** automation-service's own settings. */
@ConfigMapping(prefix = "labfleet.automation")
public interface AutomationConfig {

    Console console();

    Execution execution();

    Gateway gateway();

    /** Telnet console sessions. */
    interface Console {
        /** How long to wait for a console's TCP connection. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** How long one command may take to bring the prompt back, unless the script says otherwise. */
        @WithDefault("30s")
        Duration commandTimeout();

        /**
         * After the first prompt, how long the console must stay quiet before the first command goes: a banner's
         * prompt and the prompt our newline asked for both arrive, and the second must not end the first command.
         */
        @WithDefault("150ms")
        Duration settle();

        /** How long a replica holds a node's console lease before it must renew it (it renews at a third of this). */
        @WithDefault("30s")
        Duration leaseTtl();

        /** How often a session waiting for a node held by someone else asks again. */
        @WithDefault("200ms")
        Duration leaseRetry();

        /**
         * How old the node list read when an execution starts may be for a node's session to use it (status, console
         * port and host) instead of reading the node again through the gateway; older, the node is read again. A
         * node that stopped meanwhile refuses the console and is then reported skipped, as a fresh read would.
         * {@code 0s} reads every node again.
         */
        @WithDefault("10s")
        Duration listedNodeMaxAge();

        /**
         * The host to use when GNS3 says its console listens on all addresses ({@code 0.0.0.0} or {@code ::}) and
         * the server's own URL cannot be read from the gateway.
         */
        Optional<String> fallbackHost();
    }

    /** Script executions. */
    interface Execution {
        /** Nodes one execution drives at once, unless the request says otherwise. */
        @WithDefault("10")
        int concurrency();

        /** The most nodes one execution may drive at once. */
        @WithDefault("200")
        int maxConcurrency();

        /** How long one node's whole session may take, unless the request says otherwise. */
        @WithDefault("5m")
        Duration nodeTimeout();

        /** The most characters of console output kept per node; beyond it the transcript says it was cut. */
        @WithDefault("65536")
        int transcriptMaxChars();

        /**
         * The running replica renews its execution every 5 s; one not renewed for this long is taken over by another
         * replica, which runs its nodes that had not finished (a node cut mid-session is run again).
         */
        @WithDefault("20s")
        Duration lease();

        /** How often every replica looks for executions whose lease ran out (read by the scheduler). */
        @WithDefault("2s")
        Duration claimEvery();

        /** An execution taken over this many times without ending is marked interrupted instead (a poison run). */
        @WithDefault("5")
        int maxTakeovers();
    }

    /** Calls to the gateway ({@code quarkus.rest-client.gateway.url}) and project-service. */
    interface Gateway {
        @WithDefault("15s")
        Duration readTimeout();
    }
}
