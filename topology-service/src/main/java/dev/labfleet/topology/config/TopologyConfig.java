package dev.labfleet.topology.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** topology-service's own settings. */
@ConfigMapping(prefix = "labfleet.topology")
public interface TopologyConfig {

    Generator generator();

    Containerlab containerlab();

    Apply apply();

    Gateway gateway();

    Cache cache();

    /**
     * Redis caches of reads (a cache only: a missing or unreachable Redis means reading GNS3 through the gateway).
     */
    /** project-service's lab events (lab.projects): re-suspending links after an open or a restore. */
    LabEvents labEvents();

    interface LabEvents {
        /** Longest pause between two tries of a re-suspension that failed (the gateway or GNS3 away). */
        @WithDefault("30s")
        Duration maxBackoff();

        /** How long a failing event is retried in place before it goes to the channel's dead-letter topic. */
        @WithDefault("5m")
        Duration giveUpAfter();
    }

    interface Cache {
        /** How long a project's node and link lists are served from Redis; writes and gns3.events clear them. */
        @WithDefault("60s")
        Duration topologyTtl();

        /** How long the merged fleet-wide template catalogue is served from Redis. */
        @WithDefault("30s")
        Duration templatesTtl();

        /** Redis key prefix, so that services and test runs sharing one Redis keep apart. */
        @WithDefault("labfleet:topology:")
        String keyPrefix();

        /**
         * How long an invalidation asked for by {@code gns3.events} is retried while Redis refuses it (the record
         * waits, unacknowledged, meanwhile), at most {@link #topologyTtl()}: by then every list cached before the
         * change has expired anyway.
         */
        @WithDefault("5m")
        Duration invalidationGiveUpAfter();

        /** Longest pause between two attempts of an invalidation that Redis refused. */
        @WithDefault("5s")
        Duration invalidationMaxBackoff();
    }

    /** Applying specs: {@code PUT /api/v1/projects/{projectId}/topology}. */
    interface Apply {
        /**
         * GNS3 calls one apply keeps in flight: by default the gateway's default per-server limit
         * ({@code labfleet.gateway.client.max-concurrent}, 16). The gateway still enforces each server's own limit,
         * whatever this says.
         */
        @WithDefault("16")
        int concurrency();

        /**
         * GNS3 calls sent to the gateway in one batch request (at most the gateway's
         * {@code labfleet.gateway.batch.max-operations}); bigger steps go as several batches, one after another.
         */
        @WithDefault("5000")
        int batchSize();

        /**
         * How long an apply holds its lab's lock (and its operation) without a heartbeat: a replica that dies mid-apply
         * frees the lab, and its apply is reported interrupted, about this long after its last heartbeat.
         */
        @WithDefault("15s")
        Duration lockLease();

        /** How often a running apply renews its lock and its operation's lease (well under {@link #lockLease()}). */
        @WithDefault("5s")
        Duration lockHeartbeat();

        /** The longest {@code ?wait=} an apply request may ask for. */
        @WithDefault("30m")
        Duration maxWait();
    }

    /** Calls to the gateway ({@code quarkus.rest-client.gateway.url}). */
    interface Gateway {
        @WithDefault("15s")
        Duration readTimeout();

        /** Creates, updates and deletes: the gateway's own write timeout and retries fit within it. */
        @WithDefault("3m")
        Duration writeTimeout();

        /** Start, stop, suspend, reload: GNS3 may take minutes on real images. */
        @WithDefault("6m")
        Duration lifecycleTimeout();

        /**
         * How long one batch of apply calls may take in all. The gateway times out each call by itself; this only
         * ends the wait for a gateway that stopped answering.
         */
        @WithDefault("30m")
        Duration batchTimeout();

        /**
         * How long a streamed answer (a link's live pcap) may stay silent before it is closed: a capture of a quiet
         * link sends nothing for a while.
         */
        @WithDefault("10m")
        Duration streamIdleTimeout();
    }

    /** {@code POST /api/v1/topologies/generate}. */
    interface Generator {
        /** The most nodes one generated spec may have. */
        @WithDefault("1000")
        int maxNodes();
    }

    /** Importing containerlab topology files. */
    interface Containerlab {
        /**
         * containerlab kind -> what its nodes become: a GNS3 node type ({@code vpcs}, {@code ethernet_switch},
         * {@code qemu}...) or else the name of a template of the catalogue. The defaults are in
         * application.properties ({@code labfleet.topology.containerlab.kinds.linux=vpcs}...); add or override
         * entries the same way, e.g. {@code LABFLEET_TOPOLOGY_CONTAINERLAB_KINDS__CEOS_=Arista cEOS}.
         */
        Map<String, String> kinds();

        /**
         * Subtracted from the number in a containerlab interface name to get the GNS3 port index: containerlab's
         * {@code eth0} is the management interface, so {@code eth1} is the first data port (adapter 0 on a VPCS
         * or QEMU node, port 0 of an Ethernet switch).
         */
        @WithDefault("1")
        int interfaceOffset();

        /** Distance between imported nodes on the canvas (containerlab files have no positions). */
        @WithDefault("150")
        int spacing();
    }
}
