package dev.labfleet.topology.plan;

import dev.labfleet.topology.spec.PortLayout;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lab as GNS3 has it: what the planner compares a spec with. The service builds it from the gateway's GNS3
 * node and link views ({@code GET /v2/projects/{id}/nodes} and {@code /links}), keeping GNS3's vocabulary.
 */
public record LiveTopology(List<Node> nodes, List<Link> links) {

    public static final LiveTopology EMPTY = new LiveTopology(List.of(), List.of());

    public LiveTopology {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        links = links == null ? List.of() : List.copyOf(links);
    }

    /**
     * A GNS3 node.
     *
     * @param properties its type-specific properties as GNS3 reports them (may hold null values)
     * @param ports      its ports as GNS3 reports them (names for exports); empty when unknown
     */
    public record Node(UUID nodeId, String name, String nodeType, UUID templateId, Map<String, Object> properties,
                       Integer x, Integer y, List<PortLayout.Port> ports) {
        public Node {
            properties = properties == null ? Map.of() : java.util.Collections.unmodifiableMap(
                    new java.util.LinkedHashMap<>(properties));
            ports = ports == null ? List.of() : List.copyOf(ports);
        }

        /** The port's GNS3 short name when known ({@code e0}), else {@code adapter/port}. */
        public String portName(int adapterNumber, int portNumber) {
            for (PortLayout.Port p : ports) {
                if (p.adapterNumber() == adapterNumber && p.portNumber() == portNumber) {
                    return p.shortName();
                }
            }
            return adapterNumber + "/" + portNumber;
        }
    }

    /**
     * A GNS3 link.
     *
     * @param nodes   its ends; GNS3 accepts links with one or three ends, which the planner deletes
     * @param filters its GNS3 filters ({@code {"delay": [50, 0]}}); empty when none
     */
    public record Link(UUID linkId, List<Endpoint> nodes, Map<String, List<Object>> filters, boolean suspend) {
        public Link {
            nodes = nodes == null ? List.of() : List.copyOf(nodes);
            filters = filters == null ? Map.of() : java.util.Collections.unmodifiableMap(
                    new java.util.LinkedHashMap<>(filters));
        }
    }

    /** One end of a GNS3 link. */
    public record Endpoint(UUID nodeId, int adapterNumber, int portNumber) {
    }
}
