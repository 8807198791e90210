package dev.labfleet.topology.plan;

import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import dev.labfleet.topology.support.FakeGns3;
import dev.labfleet.topology.support.ScaleLab;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The acceptance lab's size: 1,000 nodes and 1,500 links, planned against a 1,000-node live lab. */
class PlanAtScaleTest {

    private static final UUID PROJECT = UUID.fromString("0b7f3b4e-9d1e-4c55-8f0a-3a2b1c0d9e8f");
    private static final SpecResolver RESOLVER = new SpecResolver(TemplateCatalogue.builtin());

    @Test
    void aThousandNodeLabPlansCreatesThenNothingThenExactlyTheTenChangedLinks() {
        TopologySpec spec = ScaleLab.spec();
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
        ResolvedTopology changed = RESOLVER.resolveOrThrow(ScaleLab.tenLinksChanged(spec));

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
