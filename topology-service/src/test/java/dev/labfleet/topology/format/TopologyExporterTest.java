package dev.labfleet.topology.format;

import dev.labfleet.topology.plan.LiveTopology;
import dev.labfleet.topology.plan.TopologyPlanner;
import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TopologySpec;
import dev.labfleet.topology.support.FakeGns3;
import dev.labfleet.topology.support.RandomSpecs;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TopologyExporterTest {

    private static final TopologySpec LAB = new TopologySpec("lab <1> & \"two\"", null, null, List.of(
            NodeSpec.ofTemplate("PC1", "VPCS", NodeSpec.Position.of(-200, 10)),
            NodeSpec.ofType("SW \"core\"", "ethernet_switch", NodeSpec.Position.of(0, -150))),
            List.of(LinkSpec.of("PC1:e0", "SW \"core\":e3").withConditions(
                    new LinkConditions(2, 40, 5, null, null, null)).withSuspend(true)));

    @Test
    void jsonAndYamlReadBack() {
        assertThat(SpecCodec.parse(TopologyExporter.export(LAB, ExportFormat.JSON), SpecCodec.Format.JSON))
                .isEqualTo(LAB);
        assertThat(SpecCodec.parse(TopologyExporter.export(LAB, ExportFormat.YAML), SpecCodec.Format.YAML))
                .isEqualTo(LAB);
    }

    @Test
    void graphmlIsValidXmlWithNodeAndEdgeIdsAndLabels() throws Exception {
        String xml = TopologyExporter.export(LAB, ExportFormat.GRAPHML);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));

        Element graph = (Element) doc.getElementsByTagNameNS("http://graphml.graphdrawing.org/xmlns", "graph").item(0);
        assertThat(graph.getAttribute("id")).isEqualTo("lab <1> & \"two\"");
        assertThat(graph.getAttribute("edgedefault")).isEqualTo("undirected");
        NodeList nodes = doc.getElementsByTagName("node");
        assertThat(nodes.getLength()).isEqualTo(2);
        Element sw = (Element) nodes.item(1);
        assertThat(sw.getAttribute("id")).isEqualTo("n1");
        assertThat(data(sw, "label")).isEqualTo("SW \"core\"");
        assertThat(data(sw, "node_type")).isEqualTo("ethernet_switch");
        assertThat(data(sw, "y")).isEqualTo("-150");
        Element edge = (Element) doc.getElementsByTagName("edge").item(0);
        assertThat(edge.getAttribute("id")).isEqualTo("e0");
        assertThat(edge.getAttribute("source")).isEqualTo("n0");
        assertThat(edge.getAttribute("target")).isEqualTo("n1");
        assertThat(data(edge, "edge_label")).isEqualTo("e0 -- e3");
        assertThat(data(edge, "conditions")).isEqualTo("loss 2%, delay 40±5 ms");
        assertThat(data(edge, "suspend")).isEqualTo("true");
        assertThat(doc.getElementsByTagName("key").getLength()).isEqualTo(11);
    }

    private static String data(Element element, String key) {
        NodeList data = element.getElementsByTagName("data");
        for (int i = 0; i < data.getLength(); i++) {
            Element d = (Element) data.item(i);
            if (d.getAttribute("key").equals(key)) {
                return d.getTextContent();
            }
        }
        return null;
    }

    @Test
    void dotQuotesNamesAndLabelsPorts() {
        assertThat(TopologyExporter.export(LAB, ExportFormat.DOT)).isEqualTo("""
                graph "lab <1> & \\"two\\"" {
                  node [shape=box];
                  "PC1" [label="PC1\\nVPCS", pos="-200,-10!"];
                  "SW \\"core\\"" [label="SW \\"core\\"\\nethernet_switch", pos="0,150!"];
                  "PC1" -- "SW \\"core\\"" [taillabel="e0", headlabel="e3", label="loss 2%, delay 40±5 ms", style=dashed];
                }
                """);
    }

    @Test
    void mermaidUsesSafeIdsAndEscapedLabels() {
        assertThat(TopologyExporter.export(LAB, ExportFormat.MERMAID)).isEqualTo("""
                flowchart TB
                    n0["PC1<br/><small>VPCS</small>"]
                    n1["SW #quot;core#quot;<br/><small>ethernet_switch</small>"]
                    n0 -.-|"e0 -- e3 (loss 2%, delay 40±5 ms)"| n1
                """);
    }

    @Test
    void aLiveLabExportsAsASpecThatPlansNoChange() {
        UUID project = UUID.randomUUID();
        SpecResolver resolver = new SpecResolver(RandomSpecs.CATALOGUE);
        for (long seed = 1; seed <= 100; seed++) {
            FakeGns3 gns3 = new FakeGns3(LiveTopology.EMPTY, false);
            gns3.apply(TopologyPlanner.plan(project, resolver.resolveOrThrow(RandomSpecs.spec(seed, 10)),
                    LiveTopology.EMPTY));

            TopologySpec exported = LiveSpecs.toSpec("live", gns3.live(), RandomSpecs.CATALOGUE);

            assertThat(TopologyPlanner.plan(project, resolver.resolveOrThrow(exported), gns3.live()).noChanges())
                    .as("seed %d: %s", seed, exported).isTrue();
            assertThat(exported.links()).hasSameSizeAs(gns3.live().links());
        }
    }
}
