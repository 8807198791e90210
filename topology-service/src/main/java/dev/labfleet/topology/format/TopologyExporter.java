package dev.labfleet.topology.format;

import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a spec (or a live lab, through {@link LiveSpecs#toSpec}) as JSON, YAML, GraphML, Graphviz DOT or a
 * Mermaid flowchart. Graph formats name nodes {@code n0, n1...} in spec order and links {@code e0, e1...}, and
 * label them with node names and {@code port -- port}.
 */
public final class TopologyExporter {

    private TopologyExporter() {
    }

    public static String export(TopologySpec spec, ExportFormat format) {
        return switch (format) {
            case JSON -> SpecCodec.write(spec, SpecCodec.Format.JSON);
            case YAML -> SpecCodec.write(spec, SpecCodec.Format.YAML);
            case GRAPHML -> graphml(spec);
            case DOT -> dot(spec);
            case MERMAID -> mermaid(spec);
        };
    }

    /** A link's two ends split into node and port; a malformed end keeps its text as the node. */
    record End(String node, String port) {
        static End of(String value) {
            int colon = value == null ? -1 : value.indexOf(':');
            return colon < 0 ? new End(String.valueOf(value), "") : new End(value.substring(0, colon),
                    value.substring(colon + 1));
        }
    }

    private static Map<String, String> ids(TopologySpec spec) {
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            ids.putIfAbsent(spec.nodes().get(i).name(), "n" + i);
        }
        return ids;
    }

    private static String kind(NodeSpec n) {
        return n.template() != null ? n.template() : n.nodeType();
    }

    static String graphml(TopologySpec spec) {
        Map<String, String> ids = ids(spec);
        StringBuilder out = new StringBuilder();
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"")
                .append(" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"")
                .append(" xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns")
                .append(" http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n");
        key(out, "label", "node", "label", "string");
        key(out, "node_type", "node", "node_type", "string");
        key(out, "template", "node", "template", "string");
        key(out, "x", "node", "x", "int");
        key(out, "y", "node", "y", "int");
        key(out, "role", "node", "role", "string");
        key(out, "edge_label", "edge", "label", "string");
        key(out, "source_port", "edge", "source_port", "string");
        key(out, "target_port", "edge", "target_port", "string");
        key(out, "conditions", "edge", "conditions", "string");
        key(out, "suspend", "edge", "suspend", "boolean");
        out.append("  <graph id=\"").append(xml(spec.name() == null ? "topology" : spec.name()))
                .append("\" edgedefault=\"undirected\">\n");
        for (NodeSpec n : spec.nodes()) {
            out.append("    <node id=\"").append(ids.get(n.name())).append("\">\n");
            data(out, "label", n.name());
            data(out, "node_type", n.nodeType());
            data(out, "template", n.template());
            if (n.position() != null) {
                data(out, "x", String.valueOf(n.position().x()));
                data(out, "y", String.valueOf(n.position().y()));
            }
            data(out, "role", n.labels().get("role"));
            out.append("    </node>\n");
        }
        for (int i = 0; i < spec.links().size(); i++) {
            LinkSpec l = spec.links().get(i);
            End a = End.of(l.a());
            End b = End.of(l.b());
            out.append("    <edge id=\"e").append(i).append("\" source=\"").append(xml(id(ids, a.node())))
                    .append("\" target=\"").append(xml(id(ids, b.node()))).append("\">\n");
            data(out, "edge_label", a.port() + " -- " + b.port());
            data(out, "source_port", a.port());
            data(out, "target_port", b.port());
            data(out, "conditions", conditions(l.conditions()));
            data(out, "suspend", l.suspended() ? "true" : null);
            out.append("    </edge>\n");
        }
        return out.append("  </graph>\n</graphml>\n").toString();
    }

    static String dot(TopologySpec spec) {
        StringBuilder out = new StringBuilder("graph ").append(quote(spec.name() == null ? "topology" : spec.name()))
                .append(" {\n  node [shape=box];\n");
        for (NodeSpec n : spec.nodes()) {
            out.append("  ").append(quote(n.name())).append(" [label=").append(quote(n.name() + "\n" + kind(n)));
            if (n.position() != null) {
                // GNS3's y grows downwards, Graphviz's upwards; points at 72 per inch
                out.append(", pos=").append(quote(n.position().x() + "," + (-n.position().y()) + "!"));
            }
            out.append("];\n");
        }
        for (LinkSpec l : spec.links()) {
            End a = End.of(l.a());
            End b = End.of(l.b());
            out.append("  ").append(quote(a.node())).append(" -- ").append(quote(b.node()))
                    .append(" [taillabel=").append(quote(a.port())).append(", headlabel=").append(quote(b.port()));
            String conditions = conditions(l.conditions());
            if (conditions != null) {
                out.append(", label=").append(quote(conditions));
            }
            if (l.suspended()) {
                out.append(", style=dashed");
            }
            out.append("];\n");
        }
        return out.append("}\n").toString();
    }

    static String mermaid(TopologySpec spec) {
        Map<String, String> ids = ids(spec);
        StringBuilder out = new StringBuilder("flowchart TB\n");
        for (NodeSpec n : spec.nodes()) {
            out.append("    ").append(ids.get(n.name())).append("[\"").append(mermaidText(n.name()))
                    .append("<br/><small>").append(mermaidText(kind(n))).append("</small>\"]\n");
        }
        for (LinkSpec l : spec.links()) {
            End a = End.of(l.a());
            End b = End.of(l.b());
            String label = a.port() + " -- " + b.port();
            String conditions = conditions(l.conditions());
            if (conditions != null) {
                label += " (" + conditions + ")";
            }
            out.append("    ").append(id(ids, a.node())).append(l.suspended() ? " -.-|\"" : " ---|\"")
                    .append(mermaidText(label)).append("\"| ").append(id(ids, b.node())).append('\n');
        }
        return out.toString();
    }

    /** {@code loss 2%, delay 40±5 ms, corrupt 1%, drop every 100th, bpf icmp}, or null when none. */
    static String conditions(LinkConditions c) {
        if (c == null || c.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (c.packetLoss() != null) {
            parts.add("loss " + c.packetLoss() + "%");
        }
        if (c.delay() != null) {
            parts.add("delay " + c.delay() + (c.jitter() == null ? "" : "±" + c.jitter()) + " ms");
        }
        if (c.corruption() != null) {
            parts.add("corrupt " + c.corruption() + "%");
        }
        if (c.frequencyDrop() != null) {
            parts.add(c.frequencyDrop() == -1 ? "drop all" : "drop every " + c.frequencyDrop() + "th");
        }
        if (c.bpf() != null && !c.bpf().isBlank()) {
            parts.add("bpf " + c.bpf());
        }
        return String.join(", ", parts);
    }

    private static String id(Map<String, String> ids, String node) {
        return ids.getOrDefault(node, "missing_" + Integer.toHexString(node.hashCode()));
    }

    private static void key(StringBuilder out, String id, String target, String name, String type) {
        out.append("  <key id=\"").append(id).append("\" for=\"").append(target).append("\" attr.name=\"")
                .append(name).append("\" attr.type=\"").append(type).append("\"/>\n");
    }

    private static void data(StringBuilder out, String key, String value) {
        if (value != null) {
            out.append("      <data key=\"").append(key).append("\">").append(xml(value)).append("</data>\n");
        }
    }

    /** XML text and attribute escaping; characters XML 1.0 cannot carry at all are dropped. */
    static String xml(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                            || c >= 0x10000) {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** A DOT string literal. */
    static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** Mermaid label text: quotes and markup characters as entity codes. */
    static String mermaidText(String value) {
        return value.replace("&", "#amp;").replace("\"", "#quot;").replace("<", "#lt;").replace(">", "#gt;");
    }
}
