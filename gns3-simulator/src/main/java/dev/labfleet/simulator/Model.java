package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The simulator's state: plain objects holding GNS3-shaped JSON, touched only from the API's event loop. */
final class Model {

    private Model() {
    }

    static final class Project {
        ObjectNode json;
        final Map<String, Node> nodes = new LinkedHashMap<>();
        final Map<String, Link> links = new LinkedHashMap<>();
        final Map<String, ObjectNode> drawings = new LinkedHashMap<>();
        final Map<String, Snapshot> snapshots = new LinkedHashMap<>();
        final Map<String, byte[]> files = new HashMap<>();
        final Set<String> directories = new HashSet<>();

        String id() {
            return json.get("project_id").asText();
        }

        String name() {
            return json.get("name").asText();
        }

        boolean opened() {
            return "opened".equals(json.get("status").asText());
        }
    }

    static final class Node {
        ObjectNode json;
        /** "adapter/port" of ports linked. */
        final Set<String> usedPorts = new HashSet<>();
        final Map<String, byte[]> files = new HashMap<>();
        /** Ports reserved for this node's console (VPCS holds two). */
        int[] consolePorts = new int[0];
        /**
         * A start failed half-way (uBridge refused a link filter): as GNS3 2.2, the node answers later starts with
         * 200 and stays stopped until it is stopped.
         */
        boolean halfStarted;

        String id() {
            return json.get("node_id").asText();
        }

        String name() {
            return json.get("name").asText();
        }

        String type() {
            return json.get("node_type").asText();
        }

        boolean started() {
            return "started".equals(json.get("status").asText());
        }
    }

    static final class Link {
        ObjectNode json;
        /** Connected endpoints (only links with two endpoints hold their ports). */
        boolean attached;
        /** Open pcap streams of this link. */
        final Set<io.vertx.core.http.HttpServerResponse> pcapStreams = new HashSet<>();

        String id() {
            return json.get("link_id").asText();
        }
    }

    /** A snapshot: its JSON, and the topology it saved. */
    static final class Snapshot {
        ObjectNode json;
        byte[] archive;
    }
}
