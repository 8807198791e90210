package dev.labfleet.topology.spec;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A valid spec with everything GNS3 needs worked out: each node's type, template and ports, each link end's
 * adapter and port numbers, each link's GNS3 filters. Made by {@link SpecResolver}; planned by
 * {@code dev.labfleet.topology.plan.TopologyPlanner}.
 */
public record ResolvedTopology(TopologySpec spec, List<Node> nodes, List<Link> links) {

    public ResolvedTopology {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
    }

    /**
     * A node of the spec, resolved.
     *
     * @param spec       as written
     * @param nodeType   its GNS3 node type (the template's type when made from a template)
     * @param templateId its template, or null when given by node type
     * @param layout     its ports
     */
    public record Node(NodeSpec spec, String nodeType, UUID templateId, PortLayout layout) {
        public String name() {
            return spec.name();
        }
    }

    /**
     * A link of the spec, resolved.
     *
     * @param filters GNS3 link filters for its conditions ({@code {"delay": [20, 5]}}), empty when none
     */
    public record Link(LinkSpec spec, Endpoint a, Endpoint b, Map<String, List<Object>> filters, boolean suspend) {
        public Link {
            filters = Map.copyOf(filters);
        }
    }

    /** One end of a link: the node's name and its port. */
    public record Endpoint(String node, PortLayout.Port port) {
        public int adapterNumber() {
            return port.adapterNumber();
        }

        public int portNumber() {
            return port.portNumber();
        }

        /** {@code node:adapter/port}, the same whatever name the spec gave the port. */
        public String key() {
            return node + ":" + port.address();
        }
    }
}
