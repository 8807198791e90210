package dev.labfleet.topology.plan;

import dev.labfleet.common.id.Ids;
import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TopologySpec;
import dev.labfleet.topology.support.FakeGns3;
import dev.labfleet.topology.support.RandomSpecs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyPlannerTest {

    private static final UUID PROJECT = UUID.fromString("11111111-2222-3333-4444-555555555555");
    private static final SpecResolver RESOLVER = new SpecResolver(RandomSpecs.CATALOGUE);

    private static ResolvedTopology resolve(TopologySpec spec) {
        return RESOLVER.resolveOrThrow(spec);
    }

    private static TopologySpec smallLab() {
        return new TopologySpec("lab", null, null, List.of(
                NodeSpec.ofTemplate("PC1", "VPCS", NodeSpec.Position.of(-200, 0)),
                NodeSpec.ofType("PC2", "vpcs", NodeSpec.Position.of(200, 0)),
                NodeSpec.ofType("SW1", "ethernet_switch", NodeSpec.Position.of(0, -150))),
                List.of(LinkSpec.of("PC1:e0", "SW1:e0"),
                        LinkSpec.of("SW1:Ethernet1", "PC2:0/0").withConditions(
                                new LinkConditions(5, 20, 2, null, null, null))));
    }

    private static FakeGns3 applied(TopologySpec spec) {
        FakeGns3 gns3 = new FakeGns3(LiveTopology.EMPTY, false);
        return gns3.apply(TopologyPlanner.plan(PROJECT, resolve(spec), gns3.live()));
    }

    @Test
    void anEmptyLabGetsEveryNodeAndLinkWithStableIds() {
        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(smallLab()), LiveTopology.EMPTY);

        assertThat(plan.summary()).isEqualTo(new TopologyPlan.Summary(3, 0, 0, 2, 0, 0));
        assertThat(plan.nodes()).extracting(NodeChange::name).containsExactly("PC1", "PC2", "SW1");
        assertThat(plan.nodes()).allSatisfy(c -> assertThat(c.reason()).isEqualTo("missing"));
        NodeChange pc1 = plan.nodes().get(0);
        assertThat(pc1.nodeId()).isEqualTo(Ids.stable(PROJECT.toString(), "node", "PC1"));
        assertThat(pc1.node().templateId()).isEqualTo(UUID.fromString("19021f99-e36f-394d-b4a1-8aaa902ab9cc"));
        assertThat(pc1.node().nodeType()).isEqualTo("vpcs");
        assertThat(pc1.node().x()).isEqualTo(-200);

        LinkChange second = plan.links().get(1);
        assertThat(second.description()).isEqualTo("SW1:e1 <-> PC2:e0");
        assertThat(second.link().a()).isEqualTo(new PlannedLink.Endpoint(
                Ids.stable(PROJECT.toString(), "node", "SW1"), "SW1", "e1", 0, 1));
        assertThat(second.link().filters()).isEqualTo(Map.of("packet_loss", List.of(5), "delay", List.of(20, 2)));
        // the link id does not depend on which end the spec writes first, nor on how it names the ports
        assertThat(second.linkId()).isEqualTo(TopologyPlanner.linkId(PROJECT, "PC2:0/0", "SW1:0/1"))
                .isEqualTo(TopologyPlanner.linkId(PROJECT, "SW1:0/1", "PC2:0/0"));
    }

    @Test
    void theSameSpecTwiceIsTheSamePlan() {
        TopologyPlan one = TopologyPlanner.plan(PROJECT, resolve(smallLab()), LiveTopology.EMPTY);
        TopologyPlan two = TopologyPlanner.plan(PROJECT, resolve(smallLab()), LiveTopology.EMPTY);
        assertThat(two).isEqualTo(one);
    }

    @Test
    void reapplyingChangesNothing() {
        FakeGns3 gns3 = applied(smallLab());
        TopologyPlan again = TopologyPlanner.plan(PROJECT, resolve(smallLab()), gns3.live());
        assertThat(again.noChanges()).as("%s", again).isTrue();
    }

    @Test
    void aMovedNodeIsAnUpdateWithItsReason() {
        FakeGns3 gns3 = applied(smallLab());
        TopologySpec moved = smallLab().withNodes(List.of(
                NodeSpec.ofTemplate("PC1", "VPCS", NodeSpec.Position.of(-190, 0)),
                NodeSpec.ofType("PC2", "vpcs", NodeSpec.Position.of(200, 0)),
                NodeSpec.ofType("SW1", "ethernet_switch", null)));

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(moved), gns3.live());

        assertThat(plan.summary().total()).isEqualTo(1);
        NodeChange change = plan.nodes().get(0);
        assertThat(change.action()).isEqualTo(Action.UPDATE);
        assertThat(change.reason()).isEqualTo("position changed x -200→-190");
        assertThat(change.node()).isEqualTo(new PlannedNode(change.nodeId(), null, null, null, null, -190, null));
    }

    @Test
    void aNodeNoLongerInTheSpecIsDeletedAndItsLinksGoWithIt() {
        FakeGns3 gns3 = applied(smallLab());
        TopologySpec without = smallLab().withNodes(smallLab().nodes().subList(0, 2))
                .withLinks(List.of());

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(without), gns3.live());

        assertThat(plan.nodes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.DELETE);
            assertThat(c.name()).isEqualTo("SW1");
            assertThat(c.reason()).isEqualTo("not in spec");
        });
        assertThat(plan.links()).hasSize(2).allSatisfy(c -> {
            assertThat(c.action()).isEqualTo(Action.DELETE);
            assertThat(c.cascade()).isTrue();
            assertThat(c.reason()).isEqualTo("node SW1 is deleted");
        });
        assertThat(TopologyPlanner.plan(PROJECT, resolve(without), gns3.apply(plan).live()).noChanges()).isTrue();
    }

    @Test
    void anotherNodeTypeReplacesTheNodeAndReCreatesItsLinks() {
        FakeGns3 gns3 = applied(smallLab());
        TopologySpec hub = smallLab().withNodes(List.of(smallLab().nodes().get(0), smallLab().nodes().get(1),
                NodeSpec.ofType("SW1", "ethernet_hub", NodeSpec.Position.of(0, -150))));

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(hub), gns3.live());

        assertThat(plan.nodes()).extracting(NodeChange::action, NodeChange::name, NodeChange::replace)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Action.DELETE, "SW1", true),
                        org.assertj.core.groups.Tuple.tuple(Action.CREATE, "SW1", true));
        assertThat(plan.nodes().get(1).reason()).isEqualTo("replaces the live node: node_type ethernet_switch→ethernet_hub");
        assertThat(plan.links()).extracting(LinkChange::action).containsExactly(Action.DELETE, Action.DELETE,
                Action.CREATE, Action.CREATE);
        assertThat(plan.links()).allSatisfy(c -> assertThat(c.cascade()).isTrue());
        assertThat(Drift.of(plan)).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("node_type");
            assertThat(d.expected()).isEqualTo("ethernet_hub");
            assertThat(d.actual()).isEqualTo("ethernet_switch");
        });
        assertThat(TopologyPlanner.plan(PROJECT, resolve(hub), gns3.apply(plan).live()).noChanges()).isTrue();
    }

    @Test
    void propertiesAreComparedOnTheKeysTheSpecGives() {
        List<Object> mapping = List.of(
                Map.of("name", "Ethernet0", "port_number", 0, "type", "access", "vlan", 10),
                Map.of("name", "Trunk", "port_number", 1, "type", "dot1q", "vlan", 1));
        TopologySpec spec = new TopologySpec("p", null, null, List.of(
                NodeSpec.ofType("SW1", "ethernet_switch", null).withProperties(Map.of("ports_mapping", mapping)),
                NodeSpec.ofTemplate("R1", "vRouter", null).withProperties(Map.of("adapters", 4.0))), List.of());
        LiveTopology live = new LiveTopology(List.of(
                new LiveTopology.Node(TopologyPlanner.nodeId(PROJECT, "SW1"), "SW1", "ethernet_switch", null,
                        Map.of("ports_mapping", List.of(
                                Map.of("name", "Ethernet0", "port_number", 0, "type", "access", "vlan", 10,
                                        "ethertype", ""),
                                Map.of("name", "Trunk", "port_number", 1, "type", "dot1q", "vlan", 1,
                                        "ethertype", "0x8100"))), 0, 0, List.of()),
                new LiveTopology.Node(UUID.randomUUID(), "R1", "qemu", null,
                        Map.of("adapters", 4, "ram", 512), 0, 0, List.of())), List.of());

        assertThat(TopologyPlanner.plan(PROJECT, resolve(spec), live).noChanges()).isTrue();

        TopologySpec vlan20 = spec.withNodes(List.of(spec.nodes().get(0).withProperties(Map.of("ports_mapping",
                List.of(Map.of("name", "Ethernet0", "port_number", 0, "type", "access", "vlan", 20),
                        mapping.get(1)))), spec.nodes().get(1)));
        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(vlan20), live);
        assertThat(plan.nodes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(Action.UPDATE);
            assertThat(c.changes()).extracting(FieldChange::field).containsExactly("properties.ports_mapping");
            assertThat(c.node().properties()).containsOnlyKeys("ports_mapping");
        });
    }

    @Test
    void nodesMadeOutsideLabfleetAreAdoptedByNameAndKeepTheirIds() {
        UUID pcId = UUID.randomUUID();
        UUID swId = UUID.randomUUID();
        LiveTopology live = new LiveTopology(List.of(
                new LiveTopology.Node(pcId, "PC1", "vpcs", null, Map.of(), -200, 0, List.of()),
                new LiveTopology.Node(swId, "SW1", "ethernet_switch", null, Map.of(), 0, -150, List.of())),
                List.of(new LiveTopology.Link(UUID.randomUUID(), List.of(
                        new LiveTopology.Endpoint(swId, 0, 0), new LiveTopology.Endpoint(pcId, 0, 0)),
                        Map.of(), false)));
        TopologySpec spec = new TopologySpec("adopt", null, null, List.of(
                NodeSpec.ofType("PC1", "vpcs", NodeSpec.Position.of(-200, 0)),
                NodeSpec.ofType("SW1", "ethernet_switch", NodeSpec.Position.of(0, -150)),
                NodeSpec.ofType("PC2", "vpcs", null)),
                List.of(LinkSpec.of("PC1:e0", "SW1:e0"), LinkSpec.of("PC2:e0", "SW1:e1")));

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(spec), live);

        assertThat(plan.summary()).isEqualTo(new TopologyPlan.Summary(1, 0, 0, 1, 0, 0));
        assertThat(plan.links().get(0).link().b().nodeId()).isEqualTo(swId);
    }

    @Test
    void aRenamedNodeKeepsItsStableIdAndGetsItsNameBack() {
        FakeGns3 gns3 = applied(smallLab());
        List<LiveTopology.Node> renamed = new ArrayList<>();
        for (LiveTopology.Node n : gns3.live().nodes()) {
            renamed.add(n.name().equals("PC2") ? new LiveTopology.Node(n.nodeId(), "PC-two", n.nodeType(),
                    n.templateId(), n.properties(), n.x(), n.y(), n.ports()) : n);
        }
        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(smallLab()),
                new LiveTopology(renamed, gns3.live().links()));
        assertThat(plan.nodes()).singleElement().satisfies(c -> {
            assertThat(c.reason()).isEqualTo("name PC-two→PC2");
            assertThat(c.node().name()).isEqualTo("PC2");
        });
        assertThat(plan.links()).isEmpty();
    }

    @Test
    void linksWithOneOrThreeEndsAreDeleted() {
        FakeGns3 gns3 = applied(smallLab());
        LiveTopology.Node pc1 = gns3.live().nodes().get(0);
        List<LiveTopology.Link> links = new ArrayList<>(gns3.live().links());
        UUID odd = UUID.randomUUID();
        links.add(new LiveTopology.Link(odd, List.of(new LiveTopology.Endpoint(pc1.nodeId(), 0, 0)), Map.of(), false));
        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(smallLab()),
                new LiveTopology(gns3.live().nodes(), links));
        assertThat(plan.links()).singleElement().satisfies(c -> {
            assertThat(c.linkId()).isEqualTo(odd);
            assertThat(c.reason()).isEqualTo("a link needs 2 ends, it has 1");
        });
    }

    @Test
    void changedConditionsAndSuspensionAreLinkUpdatesAndDrift() {
        FakeGns3 gns3 = applied(smallLab());
        TopologySpec changed = smallLab().withLinks(List.of(
                LinkSpec.of("PC1:e0", "SW1:e0").withSuspend(true),
                LinkSpec.of("SW1:Ethernet1", "PC2:0/0").withConditions(
                        new LinkConditions(5, 30, null, null, -1, null))));

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(changed), gns3.live());

        assertThat(plan.links()).extracting(LinkChange::action).containsOnly(Action.UPDATE);
        assertThat(plan.links()).extracting(LinkChange::reason).containsExactly("suspend false→true",
                "filters.delay [20, 2]→[30, 0]; filters.frequency_drop none→[-1]");
        assertThat(plan.links().get(0).link().filters()).isNull();
        assertThat(plan.links().get(1).link().filters())
                .isEqualTo(Map.of("packet_loss", List.of(5), "delay", List.of(30, 0), "frequency_drop", List.of(-1)));

        // drift: the live lab against the spec applied last (here: the changed one)
        assertThat(Drift.between(PROJECT, resolve(changed), gns3.live()))
                .extracting(Drift.Difference::description).containsExactly(
                        "link PC1:e0 <-> SW1:e0: suspend is false, the spec says true",
                        "link SW1:e1 <-> PC2:e0: filters.delay is [20, 2], the spec says [30, 0]",
                        "link SW1:e1 <-> PC2:e0: filters.frequency_drop is none, the spec says [-1]");
    }

    @Test
    void driftListsMissingAndExtraObjects() {
        FakeGns3 gns3 = applied(smallLab());
        TopologySpec moreAndLess = new TopologySpec("lab", null, null, List.of(
                smallLab().nodes().get(0), smallLab().nodes().get(2), NodeSpec.ofType("PC3", "vpcs", null)),
                List.of(LinkSpec.of("PC1:e0", "SW1:e0"), LinkSpec.of("PC3:e0", "SW1:e5")));

        List<Drift.Difference> drift = Drift.between(PROJECT, resolve(moreAndLess), gns3.live());

        assertThat(drift).extracting(Drift.Difference::description).containsExactly(
                "node PC2 is not in the spec",
                "node PC3 is missing",
                "link PC3:e0 <-> SW1:e5 is missing");
    }

    @Test
    void applyingAnyGeneratedSpecConvergesAndReapplyingChangesNothing() {
        for (long seed = 1; seed <= 300; seed++) {
            TopologySpec spec = RandomSpecs.spec(seed, 12);
            ResolvedTopology desired = resolve(spec);
            FakeGns3 gns3 = new FakeGns3(LiveTopology.EMPTY, seed % 2 == 0);
            TopologyPlan first = TopologyPlanner.plan(PROJECT, desired, gns3.live());
            assertThat(first.summary().nodesToCreate()).isEqualTo(spec.nodes().size());
            assertThat(first.summary().linksToCreate()).isEqualTo(spec.links().size());
            gns3.apply(first);

            TopologyPlan again = TopologyPlanner.plan(PROJECT, desired, gns3.live());
            assertThat(again.noChanges()).as("seed %d: %s", seed, again).isTrue();
        }
    }

    @Test
    void anyLabConvergesToAnyOtherSpecInOnePlan() {
        for (long seed = 1; seed <= 300; seed++) {
            FakeGns3 gns3 = new FakeGns3(LiveTopology.EMPTY, seed % 3 == 0);
            gns3.apply(TopologyPlanner.plan(PROJECT, resolve(RandomSpecs.spec(seed, 10)), gns3.live()));
            ResolvedTopology next = resolve(RandomSpecs.spec(seed + 10_000, 10));

            gns3.apply(TopologyPlanner.plan(PROJECT, next, gns3.live()));

            TopologyPlan after = TopologyPlanner.plan(PROJECT, next, gns3.live());
            assertThat(after.noChanges()).as("seed %d: %s", seed, after).isTrue();
        }
    }

    @Test
    void aLiveSwitchWithTooFewPortsGetsTheSpecsPorts() {
        UUID sw = TopologyPlanner.nodeId(PROJECT, "SW1");
        LiveTopology live = new LiveTopology(List.of(new LiveTopology.Node(sw, "SW1", "ethernet_switch", null,
                Map.of("ports_mapping", List.of(Map.of("name", "Ethernet0", "port_number", 0))), 0, 0, List.of())),
                List.of());
        TopologySpec spec = new TopologySpec("p", null, null, List.of(NodeSpec.ofType("SW1", "ethernet_switch", null),
                NodeSpec.ofType("PC1", "vpcs", null)), List.of(LinkSpec.of("PC1:e0", "SW1:e5")));

        TopologyPlan plan = TopologyPlanner.plan(PROJECT, resolve(spec), live);

        NodeChange update = plan.nodes(Action.UPDATE).get(0);
        assertThat(update.changes()).extracting(FieldChange::field).containsExactly("properties.ports_mapping");
        assertThat((List<?>) update.node().properties().get("ports_mapping")).hasSize(8);
        // without a link on a missing port, the live mapping is left alone
        assertThat(TopologyPlanner.plan(PROJECT, resolve(spec.withLinks(List.of(LinkSpec.of("PC1:e0", "SW1:e0")))),
                live).nodes(Action.UPDATE)).isEmpty();
    }
}
