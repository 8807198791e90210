package dev.labfleet.topology.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.PortLayout;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TemplateInfo;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a containerlab topology file ({@code topology: {nodes: {name: {kind, image}}, links: [{endpoints:
 * ["a:eth1", "b:eth1"]}]}}) into a spec. Each node's kind (or {@code topology.defaults.kind}) maps to a GNS3 node
 * type or template through {@code kinds}; an interface maps to the port whose index is the last number in its
 * name minus {@code interfaceOffset} ({@code eth1} -> index 0 with the default offset 1: adapter 0 of a VPCS or
 * QEMU node, port 0 of a switch). Nodes that need more ports than their type has by default get them
 * ({@code adapters}, {@code ports_mapping}). Kind and image are kept as labels; nodes are laid out on a grid.
 */
public final class ContainerlabImporter {

    private static final Pattern LAST_NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

    /**
     * The mapping table.
     *
     * @param kinds           containerlab kind -> GNS3 node type, or template name
     * @param interfaceOffset subtracted from an interface's number to get the port index
     * @param spacing         grid spacing on the canvas
     */
    public record Mapping(Map<String, String> kinds, int interfaceOffset, int spacing) {
    }

    private final Mapping mapping;
    private final TemplateCatalogue catalogue;

    public ContainerlabImporter(Mapping mapping, TemplateCatalogue catalogue) {
        this.mapping = mapping;
        this.catalogue = catalogue;
    }

    /** @throws dev.labfleet.common.problem.ProblemException 400 listing every problem, with paths in the file */
    public TopologySpec importYaml(String yaml) {
        JsonNode root = SpecCodec.read(yaml, SpecCodec.Format.YAML, JsonNode.class);
        List<Problem.Violation> violations = new ArrayList<>();
        JsonNode topology = root.path("topology");
        if (!topology.isObject() || !topology.path("nodes").isObject()) {
            throw SpecResolver.invalid(List.of(new Problem.Violation("topology.nodes",
                    "a containerlab file has topology.nodes")));
        }
        String defaultKind = text(topology.path("defaults").path("kind"));

        Map<String, TemplateInfo> types = new LinkedHashMap<>();
        Map<String, NodeSpec> nodes = new LinkedHashMap<>();
        int columns = Math.max(1, (int) Math.ceil(Math.sqrt(topology.path("nodes").size())));
        int index = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = topology.path("nodes").fields(); it.hasNext(); index++) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            String path = "topology.nodes." + name;
            String kind = text(e.getValue().path("kind"));
            kind = kind == null ? defaultKind : kind;
            if (kind == null) {
                violations.add(new Problem.Violation(path + ".kind", "no kind, and no topology.defaults.kind"));
                continue;
            }
            String target = mapping.kinds().get(kind);
            if (target == null) {
                violations.add(new Problem.Violation(path + ".kind", "no mapping for kind '" + kind
                        + "'; configure labfleet.topology.containerlab.kinds." + kind));
                continue;
            }
            TemplateInfo type = NodeTypes.known(target) ? new TemplateInfo(null, null, target, Map.of())
                    : catalogue.find(target).orElse(null);
            if (type == null) {
                violations.add(new Problem.Violation(path + ".kind", "kind '" + kind + "' maps to '" + target
                        + "', which is neither a node type nor a known template"));
                continue;
            }
            String image = text(e.getValue().path("image"));
            if (image == null) {
                image = text(topology.path("kinds").path(kind).path("image"));
            }
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("clab-kind", kind);
            if (image != null) {
                labels.put("clab-image", image);
            }
            e.getValue().path("labels").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
            NodeSpec.Position position = NodeSpec.Position.of((index % columns) * mapping.spacing(),
                    (index / columns) * mapping.spacing());
            types.put(name, type);
            nodes.put(name, (type.templateId() == null ? NodeSpec.ofType(name, type.nodeType(), position)
                    : NodeSpec.ofTemplate(name, type.name(), position)).withLabels(labels));
        }

        // Port indexes per link end, and the most each node needs.
        List<int[]> ends = new ArrayList<>();
        List<String[]> names = new ArrayList<>();
        Map<String, Integer> needed = new LinkedHashMap<>();
        JsonNode links = topology.path("links");
        for (int i = 0; i < links.size(); i++) {
            JsonNode endpoints = links.get(i).path("endpoints");
            String path = "topology.links[" + i + "].endpoints";
            if (!endpoints.isArray() || endpoints.size() != 2) {
                violations.add(new Problem.Violation(path, "a link has two endpoints"));
                continue;
            }
            int[] idx = new int[2];
            String[] nodeNames = new String[2];
            boolean ok = true;
            for (int k = 0; k < 2; k++) {
                String value = endpoints.get(k).asText();
                int colon = value.indexOf(':');
                String node = colon < 0 ? value : value.substring(0, colon);
                String iface = colon < 0 ? "" : value.substring(colon + 1);
                Matcher m = LAST_NUMBER.matcher(iface);
                if (!topology.path("nodes").has(node)) {
                    violations.add(new Problem.Violation(path + "[" + k + "]", "no node named '" + node + "'"));
                    ok = false;
                } else if (!m.find() || Integer.parseInt(m.group(1)) - mapping.interfaceOffset() < 0) {
                    violations.add(new Problem.Violation(path + "[" + k + "]", "cannot map interface '" + iface
                            + "' to a port: expected a number of at least " + mapping.interfaceOffset()
                            + " (e.g. eth1)"));
                    ok = false;
                } else {
                    idx[k] = Integer.parseInt(m.group(1)) - mapping.interfaceOffset();
                    nodeNames[k] = node;
                }
            }
            if (ok) {
                ends.add(idx);
                names.add(nodeNames);
                for (int k = 0; k < 2; k++) {
                    needed.merge(nodeNames[k], idx[k] + 1, Math::max);
                }
            }
        }

        Map<String, PortLayout> layouts = new LinkedHashMap<>();
        for (Map.Entry<String, NodeSpec> e : nodes.entrySet()) {
            TemplateInfo type = types.get(e.getKey());
            int count = needed.getOrDefault(e.getKey(), 0);
            try {
                Map<String, Object> more = count == 0 ? null
                        : NodeTypes.propertiesForPorts(type.nodeType(), type.properties(), count);
                Map<String, Object> effective = new LinkedHashMap<>(type.properties());
                if (more != null) {
                    effective.putAll(more);
                    e.setValue(e.getValue().withProperties(more));
                }
                layouts.put(e.getKey(), NodeTypes.layout(type.nodeType(), effective));
            } catch (IllegalArgumentException ex) {
                violations.add(new Problem.Violation("topology.nodes." + e.getKey(), ex.getMessage()));
            }
        }
        List<LinkSpec> specLinks = new ArrayList<>();
        for (int i = 0; i < ends.size(); i++) {
            String[] n = names.get(i);
            PortLayout la = layouts.get(n[0]);
            PortLayout lb = layouts.get(n[1]);
            if (la != null && lb != null) {
                specLinks.add(LinkSpec.of(n[0] + ":" + la.portAt(ends.get(i)[0]).shortName(),
                        n[1] + ":" + lb.portAt(ends.get(i)[1]).shortName()));
            }
        }
        if (!violations.isEmpty()) {
            throw SpecResolver.invalid(violations);
        }
        return new TopologySpec(text(root.path("name")), "imported from containerlab", Map.of("source",
                "containerlab"), new ArrayList<>(nodes.values()), specLinks);
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.asText().isBlank() ? node.asText() : null;
    }
}
