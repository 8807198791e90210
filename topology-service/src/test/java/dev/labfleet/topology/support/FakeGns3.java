package dev.labfleet.topology.support;

import dev.labfleet.topology.plan.Action;
import dev.labfleet.topology.plan.LinkChange;
import dev.labfleet.topology.plan.LiveTopology;
import dev.labfleet.topology.plan.NodeChange;
import dev.labfleet.topology.plan.PlannedLink;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.PortLayout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Applies a plan to a live lab the way GNS3 would, in the documented order, refusing what GNS3 refuses (a used
 * port, a missing node or link, an id taken twice) so that a wrong plan fails the test. Counts writes.
 * Templates are those of {@link RandomSpecs#CATALOGUE}.
 */
public final class FakeGns3 {

    private final Map<UUID, LiveTopology.Node> nodes = new LinkedHashMap<>();
    private final Map<UUID, LiveTopology.Link> links = new LinkedHashMap<>();
    private final Random ids;
    private int writes;

    /**
     * @param randomTemplateIds true to give nodes made from templates an id of GNS3's choosing, as GNS3 2.2's
     *                          template endpoint does
     */
    public FakeGns3(LiveTopology initial, boolean randomTemplateIds) {
        initial.nodes().forEach(n -> nodes.put(n.nodeId(), n));
        initial.links().forEach(l -> links.put(l.linkId(), l));
        this.ids = randomTemplateIds ? new Random(7) : null;
    }

    public int writes() {
        return writes;
    }

    public LiveTopology live() {
        return new LiveTopology(new ArrayList<>(nodes.values()), new ArrayList<>(links.values()));
    }

    public FakeGns3 apply(TopologyPlan plan) {
        for (LinkChange c : plan.links(Action.DELETE)) {
            if (links.remove(c.linkId()) == null) {
                throw new IllegalStateException("404 link " + c.linkId());
            }
            writes++;
        }
        Map<UUID, UUID> actualIds = new LinkedHashMap<>();
        for (NodeChange c : plan.nodes(Action.DELETE)) {
            if (nodes.remove(c.nodeId()) == null) {
                throw new IllegalStateException("404 node " + c.nodeId());
            }
            links.values().removeIf(l -> l.nodes().stream().anyMatch(e -> e.nodeId().equals(c.nodeId())));
            writes++;
        }
        for (NodeChange c : plan.nodes(Action.CREATE)) {
            UUID id = c.node().templateId() != null && ids != null ? new UUID(ids.nextLong(), ids.nextLong())
                    : c.nodeId();
            if (nodes.containsKey(id)) {
                throw new IllegalStateException("409 node id " + id + " exists");
            }
            if (nodes.values().stream().anyMatch(n -> n.name().equals(c.node().name()))) {
                throw new IllegalStateException("duplicate node name " + c.node().name());
            }
            Map<String, Object> props = new LinkedHashMap<>(gns3Defaults(c.node().nodeType()));
            if (c.node().templateId() != null) {
                // GNS3 makes a node from its template's settings
                props.putAll(RandomSpecs.CATALOGUE.byId(c.node().templateId()).orElseThrow().properties());
            }
            props.putAll(c.node().properties());
            nodes.put(id, new LiveTopology.Node(id, c.node().name(), c.node().nodeType(), c.node().templateId(),
                    props, c.node().x() == null ? 0 : c.node().x(), c.node().y() == null ? 0 : c.node().y(),
                    NodeTypes.layout(c.node().nodeType(), props).ports()));
            actualIds.put(c.nodeId(), id);
            writes++;
        }
        for (NodeChange c : plan.nodes(Action.UPDATE)) {
            LiveTopology.Node n = nodes.get(c.nodeId());
            if (n == null) {
                throw new IllegalStateException("404 node " + c.nodeId());
            }
            Map<String, Object> props = new LinkedHashMap<>(n.properties());
            if (c.node().properties() != null) {
                props.putAll(c.node().properties());
            }
            nodes.put(n.nodeId(), new LiveTopology.Node(n.nodeId(),
                    c.node().name() == null ? n.name() : c.node().name(), n.nodeType(), n.templateId(), props,
                    c.node().x() == null ? n.x() : c.node().x(), c.node().y() == null ? n.y() : c.node().y(),
                    NodeTypes.layout(n.nodeType(), props).ports()));
            writes++;
        }
        Set<String> used = new HashSet<>();
        links.values().forEach(l -> l.nodes().forEach(e -> used.add(key(e))));
        for (LinkChange c : plan.links(Action.CREATE)) {
            if (links.containsKey(c.linkId())) {
                throw new IllegalStateException("409 link id " + c.linkId() + " exists");
            }
            List<LiveTopology.Endpoint> ends = new ArrayList<>();
            for (PlannedLink.Endpoint e : List.of(c.link().a(), c.link().b())) {
                UUID nodeId = actualIds.getOrDefault(e.nodeId(), e.nodeId());
                if (ids != null && !nodes.containsKey(nodeId)) {
                    nodeId = byName(e.nodeName());
                }
                LiveTopology.Node n = nodes.get(nodeId);
                if (n == null) {
                    throw new IllegalStateException("404 node " + e.nodeId() + " for link " + c.description());
                }
                PortLayout layout = NodeTypes.layout(n.nodeType(), n.properties());
                if (layout.at(e.adapterNumber(), e.portNumber()) == null) {
                    throw new IllegalStateException("400 no port " + e.adapterNumber() + "/" + e.portNumber()
                            + " on " + n.name());
                }
                LiveTopology.Endpoint end = new LiveTopology.Endpoint(nodeId, e.adapterNumber(), e.portNumber());
                if (!used.add(key(end))) {
                    throw new IllegalStateException("409 Port is already used: " + c.description());
                }
                ends.add(end);
            }
            links.put(c.linkId(), new LiveTopology.Link(c.linkId(), ends, c.link().filters(),
                    Boolean.TRUE.equals(c.link().suspend())));
            writes++;
        }
        for (LinkChange c : plan.links(Action.UPDATE)) {
            LiveTopology.Link l = links.get(c.linkId());
            if (l == null) {
                throw new IllegalStateException("404 link " + c.linkId());
            }
            links.put(l.linkId(), new LiveTopology.Link(l.linkId(), l.nodes(),
                    c.link().filters() == null ? l.filters() : c.link().filters(),
                    c.link().suspend() == null ? l.suspend() : c.link().suspend()));
            writes++;
        }
        return this;
    }

    private UUID byName(String name) {
        return nodes.values().stream().filter(n -> n.name().equals(name)).map(LiveTopology.Node::nodeId)
                .findFirst().orElse(null);
    }

    /** Some of what GNS3 adds to every node, which a plan must not mistake for a difference. */
    private static Map<String, Object> gns3Defaults(String nodeType) {
        Map<String, Object> props = new LinkedHashMap<>();
        switch (nodeType) {
            case "qemu" -> {
                props.put("adapters", 1);
                props.put("ram", 256);
                props.put("options", "");
            }
            case "vpcs" -> props.put("startup_script_path", null);
            case "ethernet_switch" -> {
                List<Object> mapping = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    mapping.add(new LinkedHashMap<>(Map.of("name", "Ethernet" + i, "port_number", i, "type", "access",
                            "vlan", 1, "ethertype", "")));
                }
                props.put("ports_mapping", mapping);
            }
            default -> {
            }
        }
        return props;
    }

    private static String key(LiveTopology.Endpoint e) {
        return e.nodeId() + "/" + e.adapterNumber() + "/" + e.portNumber();
    }
}
