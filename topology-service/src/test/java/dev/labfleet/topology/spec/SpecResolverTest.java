package dev.labfleet.topology.spec;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.topology.support.RandomSpecs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SpecResolverTest {

    private static final SpecResolver RESOLVER = new SpecResolver(RandomSpecs.CATALOGUE);

    static String example() throws IOException {
        try (InputStream in = SpecResolverTest.class.getResourceAsStream("/specs/example.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void theReadmeExampleParsesAndResolvesEveryPortName() throws IOException {
        TopologySpec spec = SpecCodec.parse(example(), SpecCodec.Format.YAML);

        ResolvedTopology resolved = RESOLVER.resolveOrThrow(spec);

        assertThat(spec.labels()).containsEntry("owner", "netops");
        assertThat(resolved.nodes()).extracting(ResolvedTopology.Node::nodeType)
                .containsExactly("qemu", "ethernet_switch", "vpcs", "vpcs", "ethernet_hub");
        assertThat(resolved.links()).extracting(l -> l.a().key() + " " + l.b().key()).containsExactly(
                "R1:0/0 SW1:0/2", "PC1:0/0 SW1:0/0", "PC2:0/0 SW1:0/1", "R1:3/0 WAN:0/0");
        assertThat(resolved.links().get(3).filters()).isEqualTo(Map.of(
                "packet_loss", List.of(2), "delay", List.of(40, 5), "corrupt", List.of(1),
                "frequency_drop", List.of(100), "bpf", List.of("icmp[icmptype] == 8")));
        assertThat(spec.nodes().get(0).priority()).isZero();
    }

    @Test
    void jsonAndYamlReadTheSameSpec() throws IOException {
        TopologySpec yaml = SpecCodec.parse(example(), SpecCodec.Format.YAML);
        String json = SpecCodec.write(yaml, SpecCodec.Format.JSON);

        assertThat(json).contains("\"node_type\" : \"ethernet_switch\"").contains("\"frequency_drop\" : 100");
        assertThat(SpecCodec.parse(json, SpecCodec.Format.JSON)).isEqualTo(yaml);
        assertThat(SpecCodec.parse(SpecCodec.write(yaml, SpecCodec.Format.YAML), SpecCodec.Format.YAML))
                .isEqualTo(yaml);
    }

    @Test
    void everyProblemIsReportedWithItsPath() {
        String yaml = """
                nodes:
                  - {name: PC1, node_type: vpcs}
                  - {name: SW1, template: Ethernet switch}
                  - {name: PC1, node_type: vpcs}
                  - {name: R1, template: Cisco 7200}
                  - {name: H1, node_type: hub}
                  - {name: X1, template: VPCS, node_type: vpcs}
                  - {name: "bad:name", node_type: vpcs}
                  - {name: SW2, node_type: ethernet_switch, properties: {ports_mapping: [{name: e0}]}}
                  - {name: PC3, node_type: vpcs, position: {x: 1}}
                links:
                  - {a: "PC1:e0", b: "SW9:e0"}
                  - {a: "PC1:e1", b: "SW1:e1"}
                  - {a: "SW1:e0", b: "SW1:Ethernet0"}
                  - {a: "PC3:e0", b: "SW1:e8", conditions: {packet_loss: 101, jitter: 5, corruption: -1, frequency_drop: -2, delay: 40000}}
                  - {a: "R1:e0", b: "PC1"}
                  - {a: "PC3:0/0", b: "SW1:e2"}
                """;

        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> RESOLVER.resolveOrThrow(SpecCodec.parse(yaml, SpecCodec.Format.YAML)));

        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().detail()).isEqualTo("the topology has 17 problems");
        assertThat(e.problem().violations()).extracting(Problem.Violation::field).containsExactly(
                "nodes[2].name",
                "nodes[3].template",
                "nodes[4].node_type",
                "nodes[5].node_type",
                "nodes[6].name",
                "nodes[7].properties.ports_mapping[0].port_number",
                "nodes[8].position.y",
                "links[0].b",
                "links[1].a",
                "links[2].b",
                "links[3].b",
                "links[3].conditions.packet_loss",
                "links[3].conditions.corruption",
                "links[3].conditions.delay",
                "links[3].conditions.frequency_drop",
                "links[4].b",
                "links[5].a");
        assertThat(messages(e)).contains(
                "nodes[2].name: duplicate node name 'PC1' (also nodes[0])",
                "nodes[3].template: unknown template 'Cisco 7200'",
                "links[0].b: no node named 'SW9'",
                "links[1].a: port 'e1' is out of range for a vpcs node (ports: e0) ('PC1')",
                "links[2].b: port SW1:e0 (0/0) is already used by links[2].a",
                "links[3].b: port 'e8' is out of range for a ethernet_switch node (ports: e0 to e7 (8 ports)) ('SW1')",
                "links[3].conditions.packet_loss: 101 is out of range: 0 to 100",
                "links[4].b: 'PC1' is not node:port, e.g. PC1:e0",
                "links[5].a: port PC3:e0 (0/0) is already used by links[3].a");
    }

    @Test
    void jitterNeedsADelayAndBpfMustSaySomething() {
        TopologySpec spec = new TopologySpec(null, null, null,
                List.of(NodeSpec.ofType("A", "vpcs", null), NodeSpec.ofType("B", "vpcs", null)),
                List.of(LinkSpec.of("A:e0", "B:e0").withConditions(new LinkConditions(null, null, 5, null, null, " "))));
        assertThat(RESOLVER.resolve(spec).violations()).containsExactly(
                new Problem.Violation("links[0].conditions.jitter", "jitter needs a delay"),
                new Problem.Violation("links[0].conditions.bpf", "must not be blank"));
    }

    @Test
    void malformedYamlIsAProblemWithLineAndColumn() {
        String yaml = """
                name: broken
                nodes:
                  - name: PC1
                    node_type: vpcs
                   position: {x: 1, y: 2}
                """;
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> SpecCodec.parse(yaml, SpecCodec.Format.YAML));

        assertThat(e.problem().status()).isEqualTo(400);
        assertThat(e.problem().detail()).startsWith("malformed YAML at line 5, column 4");
        assertThat(e.problem().extensions()).containsEntry("line", 5).containsEntry("column", 4);
    }

    @Test
    void unknownFieldsAndWrongTypesNameTheirPath() {
        ProblemException typo = catchThrowableOfType(ProblemException.class, () -> SpecCodec.parse(
                "nodes:\n  - name: PC1\n    node_type: vpcs\n    postion: {x: 1, y: 2}\n", SpecCodec.Format.YAML));
        assertThat(typo.problem().violations()).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("nodes[0].postion");
            assertThat(v.message()).isEqualTo("unknown field 'postion'");
        });

        ProblemException type = catchThrowableOfType(ProblemException.class, () -> SpecCodec.parse(
                "{\"nodes\": [{\"name\": \"PC1\", \"position\": {\"x\": \"left\", \"y\": 0}}]}", SpecCodec.Format.JSON));
        assertThat(type.problem().violations()).singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("nodes[0].position.x"));

        ProblemException empty = catchThrowableOfType(ProblemException.class,
                () -> SpecCodec.parse("  ", SpecCodec.Format.YAML));
        assertThat(empty.problem().detail()).isEqualTo(": the document is empty");
    }

    @Test
    void templatesResolveByIdAndCaseInsensitiveName() {
        TopologySpec spec = new TopologySpec(null, null, null, List.of(
                NodeSpec.ofTemplate("A", "19021f99-e36f-394d-b4a1-8aaa902ab9cc", null),
                NodeSpec.ofTemplate("B", "ethernet SWITCH", null)), List.of());
        assertThat(RESOLVER.resolveOrThrow(spec).nodes()).extracting(ResolvedTopology.Node::nodeType)
                .containsExactly("vpcs", "ethernet_switch");
    }

    private static List<String> messages(ProblemException e) {
        return e.problem().violations().stream().map(v -> v.field() + ": " + v.message()).toList();
    }
}
