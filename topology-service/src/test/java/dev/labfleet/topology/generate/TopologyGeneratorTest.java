package dev.labfleet.topology.generate;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import dev.labfleet.topology.support.RandomSpecs;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class TopologyGeneratorTest {

    private static final TopologyGenerator GENERATOR = new TopologyGenerator(RandomSpecs.CATALOGUE, 1_000);
    private static final SpecResolver RESOLVER = new SpecResolver(RandomSpecs.CATALOGUE);

    /** Valid (so no port is used twice or out of range), and no two nodes on the same spot. */
    private static ResolvedTopology valid(TopologySpec spec) {
        ResolvedTopology resolved = RESOLVER.resolveOrThrow(spec);
        Set<NodeSpec.Position> positions = new HashSet<>();
        spec.nodes().forEach(n -> assertThat(positions.add(n.position())).as("position of %s", n.name()).isTrue());
        return resolved;
    }

    @Test
    void starLinksEveryHostToTheHubWhichGetsTheRightNumberOfPorts() {
        TopologySpec spec = GENERATOR.generate(GeneratorOptions.star(12));
        ResolvedTopology r = valid(spec);

        assertThat(spec.nodes()).hasSize(13);
        assertThat(spec.nodes().get(0).name()).isEqualTo("hub");
        assertThat(spec.nodes().get(0).template()).isEqualTo("Ethernet switch");
        assertThat(r.nodes().get(0).layout().ports()).hasSize(12);
        assertThat(spec.links()).hasSize(12);
        assertThat(spec.links().get(0).a()).isEqualTo("host1:e0");
        assertThat(spec.links().get(0).b()).isEqualTo("hub:e0");
        assertThat(spec.links().get(11).b()).isEqualTo("hub:e11");
        assertThat(spec.nodes().get(1).labels()).isEqualTo(Map.of("role", "host"));
        assertThat(spec.nodes().get(1).priority()).isEqualTo(1);

        assertThat(GENERATOR.generate(GeneratorOptions.star(4)).nodes().get(0).properties())
                .as("8 ports are enough: GNS3's default mapping is kept").isEmpty();
    }

    @Test
    void ringClosesAndUsesTwoPortsPerNode() {
        TopologySpec spec = GENERATOR.generate(GeneratorOptions.ring(5)
                .withTemplates(Map.of("node", "vRouter")));
        valid(spec);
        assertThat(spec.links()).extracting(l -> l.a() + "-" + l.b()).containsExactly(
                "node1:e0-node2:e0", "node2:e1-node3:e0", "node3:e1-node4:e0", "node4:e1-node5:e0",
                "node5:e1-node1:e1");
        assertThat(spec.nodes()).allSatisfy(n -> assertThat(n.template()).isEqualTo("vRouter"));
    }

    @Test
    void fullMeshHasEveryPair() {
        TopologySpec spec = GENERATOR.generate(GeneratorOptions.fullMesh(6)
                .withTemplates(Map.of("node", "qemu")));
        valid(spec);
        assertThat(spec.links()).hasSize(15);
        assertThat(spec.nodes()).allSatisfy(n -> {
            assertThat(n.nodeType()).isEqualTo("qemu");
            assertThat(n.properties()).isEqualTo(Map.of("adapters", 5));
        });
    }

    @Test
    void spineLeafConnectsEveryLeafToEverySpine() {
        TopologySpec spec = GENERATOR.generate(GeneratorOptions.spineLeaf(2, 6, 2));
        ResolvedTopology r = valid(spec);

        assertThat(spec.nodes()).hasSize(20);
        assertThat(spec.links()).hasSize(2 * 6 + 6 * 2);
        assertThat(spec.nodes()).extracting(NodeSpec::name).startsWith("spine1", "spine2", "leaf1", "host1",
                "host2", "leaf2");
        assertThat(r.links()).filteredOn(l -> l.a().node().equals("leaf3"))
                .extracting(l -> l.b().node()).containsExactly("spine1", "spine2");
        // hosts sit below their leaf, leaves below the spines
        NodeSpec spine = spec.nodes().get(0);
        NodeSpec leaf = spec.nodes().get(2);
        NodeSpec host = spec.nodes().get(3);
        assertThat(spine.position().y()).isLessThan(leaf.position().y());
        assertThat(leaf.position().y()).isLessThan(host.position().y());
        assertThat(spec.nodes()).extracting(NodeSpec::priority).contains(0, 1, 2);
    }

    @Test
    void treeHasFanoutChildrenPerNode() {
        TopologySpec spec = GENERATOR.generate(GeneratorOptions.tree(3, 3));
        ResolvedTopology r = valid(spec);

        assertThat(spec.nodes()).hasSize(1 + 3 + 9 + 27);
        assertThat(spec.links()).hasSize(39);
        assertThat(spec.nodes()).filteredOn(n -> n.name().startsWith("host")).hasSize(27);
        // the root has 3 children, each switch 3 children plus a parent
        assertThat(r.links()).filteredOn(l -> l.b().node().equals("sw1")).hasSize(3);
        assertThat(r.links()).filteredOn(l -> l.a().node().equals("sw2") || l.b().node().equals("sw2")).hasSize(4);
    }

    @Test
    void generatingIsDeterministic() {
        GeneratorOptions options = GeneratorOptions.spineLeaf(4, 8, 3);
        assertThat(GENERATOR.generate(options)).isEqualTo(GENERATOR.generate(options));
    }

    @Test
    void aNodeTypeWithTooFewPortsIsAViolationOnItsRole() {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> GENERATOR.generate(GeneratorOptions.ring(4).withTemplates(Map.of("node", "VPCS"))));
        assertThat(e.problem().violations()).containsExactly(new Problem.Violation("templates.node",
                "VPCS (vpcs): a vpcs node has 1 port, 2 needed in a ring"));
    }

    @Test
    void badRequestsListEveryViolation() {
        ProblemException sizes = catchThrowableOfType(ProblemException.class, () -> GENERATOR.generate(
                new GeneratorOptions(Shape.SPINE_LEAF, null, null, 0, null, null, null, null, null, null)));
        assertThat(sizes.problem().violations()).containsExactly(
                new Problem.Violation("spines", "must be at least 1"),
                new Problem.Violation("leaves", "required for this shape"));

        ProblemException templates = catchThrowableOfType(ProblemException.class, () -> GENERATOR.generate(
                GeneratorOptions.star(3).withTemplates(Map.of("host", "Cisco 7200", "router", "VPCS"))));
        assertThat(templates.problem().violations()).containsExactly(
                new Problem.Violation("templates.router", "a star has the roles host, hub"),
                new Problem.Violation("templates.host", "unknown template or node type 'Cisco 7200'"));

        ProblemException big = catchThrowableOfType(ProblemException.class,
                () -> GENERATOR.generate(GeneratorOptions.tree(10, 4)));
        assertThat(big.problem().violations()).extracting(Problem.Violation::field).containsExactly("depth");

        ProblemException mesh = catchThrowableOfType(ProblemException.class,
                () -> GENERATOR.generate(GeneratorOptions.fullMesh(300)));
        assertThat(mesh.problem().violations().get(0).message()).contains("44850 links");
    }

    @Test
    void theBuiltinCatalogueIsEnoughForTheDefaults() {
        TopologyGenerator builtin = new TopologyGenerator(TemplateCatalogue.builtin(), 1_000);
        for (GeneratorOptions o : List.of(GeneratorOptions.star(30), GeneratorOptions.ring(10),
                GeneratorOptions.fullMesh(9), GeneratorOptions.spineLeaf(4, 16, 8), GeneratorOptions.tree(4, 4))) {
            assertThat(new SpecResolver(TemplateCatalogue.builtin()).resolve(builtin.generate(o)).violations())
                    .as("%s", o.shape()).isEmpty();
        }
    }
}
