package dev.labfleet.project.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** project-service's own settings. */
@ConfigMapping(prefix = "labfleet.project")
public interface ProjectConfig {

    Gateway gateway();

    Bulk bulk();

    /** How project-service talks to the gns3-gateway-service (its URL is quarkus.rest-client.gateway.url). */
    interface Gateway {
        /** Reads: project, nodes, stats, placement. */
        @WithDefault("10s")
        Duration readTimeout();

        /** Creates and updates. */
        @WithDefault("30s")
        Duration writeTimeout();

        /** Open, close, delete, node start/stop: GNS3 can take minutes on real images. */
        @WithDefault("5m")
        Duration lifecycleTimeout();
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
