package dev.labfleet.topology.format;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ContainerlabImporterTest {

    private static final ContainerlabImporter IMPORTER = new ContainerlabImporter(new ContainerlabImporter.Mapping(
            Map.of("linux", "vpcs", "bridge", "Ethernet switch", "nokia_srlinux", "qemu"), 1, 100),
            TemplateCatalogue.builtin());

    private static final String CLAB = """
            name: srl-lab
            topology:
              kinds:
                nokia_srlinux:
                  image: ghcr.io/nokia/srlinux:24.3
              nodes:
                srl1: {kind: nokia_srlinux}
                srl2: {kind: nokia_srlinux, labels: {rack: r2}}
                br: {kind: bridge}
                client1: {kind: linux, image: alpine:3}
              links:
                - endpoints: ["srl1:e1-1", "srl2:e1-1"]
                - endpoints: ["srl1:e1-3", "br:eth1"]
                - endpoints: ["client1:eth1", "br:eth2"]
            """;

    @Test
    void mapsKindsAndInterfacesToNodeTypesTemplatesAndPorts() {
        TopologySpec spec = IMPORTER.importYaml(CLAB);
        ResolvedTopology resolved = new SpecResolver(TemplateCatalogue.builtin()).resolveOrThrow(spec);

        assertThat(spec.name()).isEqualTo("srl-lab");
        assertThat(spec.nodes()).extracting(NodeSpec::name).containsExactly("srl1", "srl2", "br", "client1");
        assertThat(resolved.nodes()).extracting(ResolvedTopology.Node::nodeType)
                .containsExactly("qemu", "qemu", "ethernet_switch", "vpcs");
        assertThat(spec.nodes().get(2).template()).isEqualTo("Ethernet switch");
        assertThat(spec.nodes().get(0).properties()).isEqualTo(Map.of("adapters", 3));
        assertThat(spec.nodes().get(1).labels()).isEqualTo(Map.of("clab-kind", "nokia_srlinux",
                "clab-image", "ghcr.io/nokia/srlinux:24.3", "rack", "r2"));
        assertThat(spec.nodes().get(3).labels()).containsEntry("clab-image", "alpine:3");
        assertThat(resolved.links()).extracting(l -> l.a().key() + " " + l.b().key()).containsExactly(
                "srl1:0/0 srl2:0/0", "srl1:2/0 br:0/0", "client1:0/0 br:0/1");
        assertThat(spec.nodes()).extracting(NodeSpec::position).doesNotHaveDuplicates();
    }

    @Test
    void unmappedKindsAndInterfacesAreViolationsWithPaths() {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> IMPORTER.importYaml("""
                topology:
                  nodes:
                    r1: {kind: juniper_crpd}
                    h1: {kind: linux}
                    h2: {}
                  links:
                    - endpoints: ["h1:mgmt", "r1:eth1"]
                    - endpoints: ["h1:eth1", "ghost:eth1"]
                    - endpoints: ["h1:eth1"]
                """));
        assertThat(e.problem().violations()).containsExactly(
                new Problem.Violation("topology.nodes.r1.kind",
                        "no mapping for kind 'juniper_crpd'; configure labfleet.topology.containerlab.kinds.juniper_crpd"),
                new Problem.Violation("topology.nodes.h2.kind", "no kind, and no topology.defaults.kind"),
                new Problem.Violation("topology.links[0].endpoints[0]",
                        "cannot map interface 'mgmt' to a port: expected a number of at least 1 (e.g. eth1)"),
                new Problem.Violation("topology.links[1].endpoints[1]", "no node named 'ghost'"),
                new Problem.Violation("topology.links[2].endpoints", "a link has two endpoints"));
    }

    @Test
    void aVpcsWithTwoLinksIsAViolation() {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> IMPORTER.importYaml("""
                topology:
                  defaults: {kind: linux}
                  nodes: {a: {}, b: {}}
                  links:
                    - endpoints: ["a:eth1", "b:eth1"]
                    - endpoints: ["a:eth2", "b:eth2"]
                """));
        assertThat(e.problem().violations()).extracting(Problem.Violation::field)
                .containsExactly("topology.nodes.a", "topology.nodes.b");
        assertThat(e.problem().violations().get(0).message()).isEqualTo("a vpcs node has 1 port, 2 needed");
    }
}
