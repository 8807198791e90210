package dev.labfleet.topology.plan;

import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import dev.labfleet.topology.support.FakeGns3;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance lab's size: 1,000 nodes and 1,500 links, planned against a 1,000-node live lab. */
class PlanAtScaleTest {

    private static final UUID PROJECT = UUID.fromString("0b7f3b4e-9d1e-4c55-8f0a-3a2b1c0d9e8f");
    private static final SpecResolver RESOLVER = new SpecResolver(TemplateCatalogue.builtin());
    private static final int SWITCHES = 100;
    private static final int HOSTS = 900;

    /** 100 switches of 32 ports in a ring with chords (600 links), 900 VPCS, 9 per switch (900 links). */
    static TopologySpec lab() {
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

    @Test
    void aThousandNodeLabPlansCreatesThenNothingThenExactlyTheTenChangedLinks() {
        TopologySpec spec = lab();
        ResolvedTopology desired = RESOLVER.resolveOrThrow(spec);
        assertThat(desired.nodes()).hasSize(1_000);
        assertThat(desired.links()).hasSize(1_500);

        TopologyPlan first = TopologyPlanner.plan(PROJECT, desired, LiveTopology.EMPTY);
        assertThat(first.summary()).isEqualTo(new TopologyPlan.Summary(1_000, 0, 0, 1_500, 0, 0));
        FakeGns3 gns3 = new FakeGns3(LiveTopology.EMPTY, false).apply(first);
        assertThat(gns3.writes()).isEqualTo(2_500);

        TopologyPlan again = TopologyPlanner.plan(PROJECT, desired, gns3.live());
        assertThat(again.noChanges()).isTrue();

        // 10 links change: 5 get conditions, 5 move to a free switch port
        List<LinkSpec> links = new ArrayList<>(spec.links());
        Set<Integer> conditioned = Set.of(3, 300, 601, 899, 1_200);
        Set<Integer> moved = Set.of(10, 20, 30, 40, 50);
        conditioned.forEach(i -> links.set(i, links.get(i).withConditions(new LinkConditions(1, 10, null, null,
                null, null))));
        moved.forEach(i -> links.set(i, LinkSpec.of(links.get(i).a(), "sw" + (i / 9) + ":e" + (21 + i % 9))));
        ResolvedTopology changed = RESOLVER.resolveOrThrow(spec.withLinks(links));

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, changed, gns3.live());

        assertThat(plan.summary()).isEqualTo(new TopologyPlan.Summary(0, 0, 0, 5, 5, 5));
        Set<String> updated = new HashSet<>();
        plan.links(Action.UPDATE).forEach(c -> updated.add(c.description()));
        assertThat(updated).containsExactlyInAnyOrder("pc3:e0 <-> sw0:e3", "pc300:e0 <-> sw33:e3",
                "pc601:e0 <-> sw66:e7", "pc899:e0 <-> sw99:e8", "sw50:e9 <-> sw51:e15");
        assertThat(plan.links(Action.CREATE)).extracting(c -> c.link().b().portName())
                .containsExactlyInAnyOrder("e22", "e23", "e24", "e25", "e26");
        assertThat(plan.links(Action.DELETE)).extracting(LinkChange::description).containsExactlyInAnyOrder(
                "pc10:e0 <-> sw1:e1", "pc20:e0 <-> sw2:e2", "pc30:e0 <-> sw3:e3", "pc40:e0 <-> sw4:e4",
                "pc50:e0 <-> sw5:e5");
        gns3.apply(plan);
        assertThat(gns3.writes()).isEqualTo(2_500 + 15);
        assertThat(TopologyPlanner.plan(PROJECT, changed, gns3.live()).noChanges()).isTrue();
    }
}
