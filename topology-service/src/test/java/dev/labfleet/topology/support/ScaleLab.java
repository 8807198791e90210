package dev.labfleet.topology.support;

import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The acceptance lab: 1,000 nodes and 1,500 links, and the same lab with 10 links changed. */
public final class ScaleLab {

    private static final int SWITCHES = 100;
    private static final int HOSTS = 900;

    /** 100 switches of 32 ports in a ring with chords (600 links), 900 VPCS, 9 per switch (900 links). */
    public static TopologySpec spec() {
        List<NodeSpec> nodes = new ArrayList<>();
        List<LinkSpec> links = new ArrayList<>();
        List<Object> mapping = new ArrayList<>();
        for (int p = 0; p < 32; p++) {
            mapping.add(Map.of("name", "Ethernet" + p, "port_number", p, "type", "access", "vlan", 1));
        }
        for (int s = 0; s < SWITCHES; s++) {
            nodes.add(NodeSpec.ofType("sw" + s, "ethernet_switch", NodeSpec.Position.of(s * 100, 0))
                    .withProperties(Map.of("ports_mapping", mapping)));
        }
        for (int h = 0; h < HOSTS; h++) {
            nodes.add(NodeSpec.ofTemplate("pc" + h, "VPCS", NodeSpec.Position.of((h / 9) * 100, 200 + (h % 9) * 60)));
            links.add(LinkSpec.of("pc" + h + ":e0", "sw" + (h / 9) + ":e" + (h % 9)));
        }
        // 600 inter-switch links: switch s uses ports 9-14 to reach s+1..s+6, ports 15-20 to be reached from s-1..s-6
        for (int s = 0; s < SWITCHES; s++) {
            for (int k = 1; k <= 6; k++) {
                int peer = (s + k) % SWITCHES;
                links.add(LinkSpec.of("sw" + s + ":e" + (8 + k), "sw" + peer + ":" + (14 + k)));
            }
        }
        return new TopologySpec("scale", null, null, nodes, links);
    }

    /** 5 links get conditions (5 link updates), 5 move to a free switch port (5 deletes + 5 creates). */
    public static TopologySpec tenLinksChanged(TopologySpec spec) {
        List<LinkSpec> links = new ArrayList<>(spec.links());
        Set<Integer> conditioned = Set.of(3, 300, 601, 899, 1_200);
        Set<Integer> moved = Set.of(10, 20, 30, 40, 50);
        conditioned.forEach(i -> links.set(i, links.get(i).withConditions(new LinkConditions(1, 10, null, null,
                null, null))));
        moved.forEach(i -> links.set(i, LinkSpec.of(links.get(i).a(), "sw" + (i / 9) + ":e" + (21 + i % 9))));
        return spec.withLinks(links);
    }

    private ScaleLab() {
    }
}
