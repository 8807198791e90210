package dev.labfleet.project.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** project-service's own settings. */
@ConfigMapping(prefix = "labfleet.project")
public interface ProjectConfig {

    Gateway gateway();

    Bulk bulk();

    /**
     * How project-service talks to the gns3-gateway-service (its URL is quarkus.rest-client.gateway.url). Each
     * timeout sits above the gateway's own for the same class of GNS3 call ({@code labfleet.gateway.client.*}: 10 s,
     * 30 s, 5 min, 10 min), so the gateway's precise answer (GNS3's error, its 504) arrives before we give up. The
     * HTTP request's own idle timeout sits 30 s above each call's timeout (the shared gateway-client), so the
     * transport never cuts a call first.
     */
    interface Gateway {
        /** Reads: project, nodes, stats, placement. */
        @WithDefault("15s")
        Duration readTimeout();

        /** Creates and updates. */
        @WithDefault("45s")
        Duration writeTimeout();

        /** Open, close, delete, duplicate, snapshots, node start/stop: GNS3 can take minutes on real images. */
        @WithDefault("6m")
        Duration lifecycleTimeout();

        /** Exports and imports, until the gateway's answer starts. */
        @WithDefault("11m")
        Duration transferTimeout();

        /** Connections to the gateway at most (staggered starts, moves and imports run calls in parallel). */
        @WithDefault("50")
        int connectionPoolSize();

        /** Items per page when reading the gateway's paged lists (the registered servers); its maximum is 500. */
        @WithDefault("500")
        int pageSize();
    }

    /** Defaults of staggered start/stop. */
    interface Bulk {
        /** Nodes started or stopped at once. */
        @WithDefault("5")
        int batchSize();

        /** Pause between two batches. */
        @WithDefault("2s")
        Duration delay();
    }
}
