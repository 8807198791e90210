package dev.labfleet.topology.generate;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.topology.spec.LinkSpec;
import dev.labfleet.topology.spec.NodeSpec;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.PortLayout;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TemplateInfo;
import dev.labfleet.topology.spec.TopologySpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes specs of common shapes: deterministic names ({@code spine1}, {@code leaf3}, {@code host12}), positions laid
 * out for the shape, a {@code role} label and a start priority per node (infrastructure first), and each link on
 * the next free port of both nodes. Switches, hubs and QEMU-like nodes get the ports they need
 * ({@code ports_mapping}, {@code adapters}); a node type with too few fixed ports is a violation.
 */
public final class TopologyGenerator {

    public static final int DEFAULT_SPACING = 150;

    private final TemplateCatalogue catalogue;
    private final int maxNodes;

    public TopologyGenerator(TemplateCatalogue catalogue, int maxNodes) {
        this.catalogue = catalogue;
        this.maxNodes = maxNodes;
    }

    /**
     * @throws dev.labfleet.common.problem.ProblemException 400 listing every violation, with request field paths
     *                                                      ({@code size}, {@code templates.host})
     */
    public TopologySpec generate(GeneratorOptions options) {
        List<Problem.Violation> violations = new ArrayList<>();
        Shape shape = options.shape();
        if (shape == null) {
            throw SpecResolver.invalid(List.of(new Problem.Violation("shape", "required")));
        }
        Draft draft = new Draft(options.spacing() == null ? DEFAULT_SPACING : options.spacing());
        switch (shape) {
            case STAR -> star(required(options.size(), "size", 1, violations), draft);
            case RING -> ring(required(options.size(), "size", 3, violations), draft);
            case FULL_MESH -> mesh(required(options.size(), "size", 2, violations), draft, violations);
            case SPINE_LEAF -> spineLeaf(required(options.spines(), "spines", 1, violations),
                    required(options.leaves(), "leaves", 1, violations),
                    options.hostsPerLeaf() == null ? 0 : required(options.hostsPerLeaf(), "hostsPerLeaf", 0,
                            violations), draft, violations);
            case TREE -> tree(required(options.depth(), "depth", 1, violations),
                    required(options.fanout(), "fanout", 1, violations), draft, violations);
        }
        if (!violations.isEmpty()) {
            throw SpecResolver.invalid(violations);
        }

        Map<String, TemplateInfo> roles = roles(shape, options.templates(), violations);
        if (!violations.isEmpty()) {
            throw SpecResolver.invalid(violations);
        }
        TopologySpec spec = draft.toSpec(options.name() == null || options.name().isBlank() ? shape.slug()
                : options.name(), shape, roles, violations);
        if (!violations.isEmpty()) {
            throw SpecResolver.invalid(violations);
        }
        return spec;
    }

    private int required(Integer value, String field, int min, List<Problem.Violation> violations) {
        if (value == null) {
            violations.add(new Problem.Violation(field, "required for this shape"));
            return 0;
        }
        if (value < min) {
            violations.add(new Problem.Violation(field, "must be at least " + min));
            return 0;
        }
        if (value > maxNodes) {
            violations.add(new Problem.Violation(field, "at most " + maxNodes + " nodes"));
            return 0;
        }
        return value;
    }

    private void star(int hosts, Draft d) {
        if (hosts == 0) {
            return;
        }
        d.node("hub", "hub", 0, 0, 0);
        double radius = Math.max(2.0 * d.spacing, hosts * d.spacing / (2 * Math.PI));
        for (int i = 0; i < hosts; i++) {
            double angle = 2 * Math.PI * i / hosts - Math.PI / 2;
            String host = d.node("host" + (i + 1), "host", 1, radius * Math.cos(angle), radius * Math.sin(angle));
            d.link(host, "hub");
        }
    }

    private void ring(int n, Draft d) {
        circle(n, "node", d);
        for (int i = 0; i < n; i++) {
            d.link("node" + (i + 1), "node" + ((i + 1) % n + 1));
        }
    }

    private void mesh(int n, Draft d, List<Problem.Violation> violations) {
        if ((long) n * (n - 1) / 2 > SpecResolver.MAX_LINKS) {
            violations.add(new Problem.Violation("size", "a full mesh of " + n + " nodes has " + (long) n * (n - 1) / 2
                    + " links, at most " + SpecResolver.MAX_LINKS));
            return;
        }
        circle(n, "node", d);
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                d.link("node" + (i + 1), "node" + (j + 1));
            }
        }
    }

    private void circle(int n, String role, Draft d) {
        double radius = Math.max(d.spacing, n * d.spacing / (2 * Math.PI));
        for (int i = 0; i < n; i++) {
            double angle = 2 * Math.PI * i / n - Math.PI / 2;
            d.node(role + (i + 1), role, null, radius * Math.cos(angle), radius * Math.sin(angle));
        }
    }

    private void spineLeaf(int spines, int leaves, int hostsPerLeaf, Draft d, List<Problem.Violation> violations) {
        if (spines == 0 || leaves == 0) {
            return;
        }
        long total = spines + leaves + (long) leaves * hostsPerLeaf;
        if (total > maxNodes) {
            violations.add(new Problem.Violation("leaves", "spine-leaf of " + total + " nodes, at most " + maxNodes));
            return;
        }
        double leafGap = d.spacing * Math.max(1, hostsPerLeaf);
        double width = leaves * leafGap;
        for (int s = 0; s < spines; s++) {
            d.node("spine" + (s + 1), "spine", 0, (s - (spines - 1) / 2.0) * width / spines, 0);
        }
        int host = 0;
        for (int l = 0; l < leaves; l++) {
            double x = (l - (leaves - 1) / 2.0) * leafGap;
            String leaf = d.node("leaf" + (l + 1), "leaf", 1, x, 2.0 * d.spacing);
            for (int s = 0; s < spines; s++) {
                d.link(leaf, "spine" + (s + 1));
            }
            for (int h = 0; h < hostsPerLeaf; h++) {
                String name = d.node("host" + (++host), "host", 2, x + (h - (hostsPerLeaf - 1) / 2.0) * d.spacing,
                        3.5 * d.spacing);
                d.link(name, leaf);
            }
        }
    }

    private void tree(int depth, int fanout, Draft d, List<Problem.Violation> violations) {
        if (depth == 0 || fanout == 0) {
            return;
        }
        long total = 0;
        long level = 1;
        for (int l = 0; l <= depth && total <= maxNodes; l++) {
            total += level;
            level *= fanout;
        }
        if (total > maxNodes) {
            violations.add(new Problem.Violation("depth", "a tree of depth " + depth + " and fanout " + fanout
                    + " has more than " + maxNodes + " nodes"));
            return;
        }
        long leavesWidth = (long) Math.pow(fanout, depth);
        List<String> previous = List.of();
        int switches = 0;
        int hosts = 0;
        for (int l = 0; l <= depth; l++) {
            long count = (long) Math.pow(fanout, l);
            long span = leavesWidth / count; // leaf slots under each node of this level
            List<String> current = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                boolean leaf = l == depth;
                String name = leaf ? "host" + (++hosts) : "sw" + (++switches);
                double x = ((i + 0.5) * span - leavesWidth / 2.0) * d.spacing;
                d.node(name, leaf ? "host" : "switch", l, x, l * 1.5 * d.spacing);
                current.add(name);
                if (l > 0) {
                    d.link(name, previous.get(i / fanout));
                }
            }
            previous = current;
        }
    }

    private Map<String, TemplateInfo> roles(Shape shape, Map<String, String> requested,
                                            List<Problem.Violation> violations) {
        requested.keySet().stream().sorted().forEach(role -> {
            if (!shape.defaultTemplates().containsKey(role)) {
                violations.add(new Problem.Violation("templates." + role, "a " + shape.slug() + " has the roles "
                        + String.join(", ", shape.roles())));
            }
        });
        Map<String, TemplateInfo> roles = new LinkedHashMap<>();
        for (String role : shape.roles()) {
            String value = requested.getOrDefault(role, shape.defaultTemplates().get(role));
            TemplateInfo template = catalogue.find(value).orElse(null);
            if (template == null && NodeTypes.known(value)) {
                template = new TemplateInfo(null, null, value, Map.of()); // by node type
            }
            if (template == null) {
                violations.add(new Problem.Violation("templates." + role,
                        "unknown template or node type '" + value + "'"));
            } else {
                roles.put(role, template);
            }
        }
        return roles;
    }

    /** Nodes and links before ports are assigned. */
    private static final class Draft {
        final int spacing;
        final Map<String, DraftNode> nodes = new LinkedHashMap<>();
        final List<String[]> links = new ArrayList<>();

        Draft(int spacing) {
            this.spacing = spacing;
        }

        String node(String name, String role, Integer priority, double x, double y) {
            nodes.put(name, new DraftNode(name, role, priority, (int) Math.round(x), (int) Math.round(y)));
            return name;
        }

        void link(String a, String b) {
            links.add(new String[]{a, b});
            nodes.get(a).degree++;
            nodes.get(b).degree++;
        }

        TopologySpec toSpec(String name, Shape shape, Map<String, TemplateInfo> roles,
                            List<Problem.Violation> violations) {
            Map<String, PortLayout> layouts = new LinkedHashMap<>();
            Map<String, Integer> nextPort = new LinkedHashMap<>();
            List<NodeSpec> specs = new ArrayList<>();
            for (DraftNode n : nodes.values()) {
                TemplateInfo t = roles.get(n.role);
                Map<String, Object> properties = Map.of();
                try {
                    Map<String, Object> more = NodeTypes.propertiesForPorts(t.nodeType(), t.properties(), n.degree);
                    properties = more == null ? Map.of() : more;
                } catch (IllegalArgumentException e) {
                    Problem.Violation v = new Problem.Violation("templates." + n.role,
                            describe(t) + ": " + e.getMessage() + " in a " + shape.slug());
                    if (!violations.contains(v)) {
                        violations.add(v);
                    }
                    continue;
                }
                Map<String, Object> effective = new LinkedHashMap<>(t.properties());
                effective.putAll(properties);
                layouts.put(n.name, NodeTypes.layout(t.nodeType(), effective));
                nextPort.put(n.name, 0);
                NodeSpec spec = t.templateId() == null
                        ? NodeSpec.ofType(n.name, t.nodeType(), NodeSpec.Position.of(n.x, n.y))
                        : NodeSpec.ofTemplate(n.name, t.name(), NodeSpec.Position.of(n.x, n.y));
                specs.add(spec.withProperties(properties).withLabels(Map.of("role", n.role)).withPriority(n.priority));
            }
            if (!violations.isEmpty()) {
                return null;
            }
            List<LinkSpec> linkSpecs = new ArrayList<>();
            for (String[] l : links) {
                linkSpecs.add(LinkSpec.of(end(l[0], layouts, nextPort), end(l[1], layouts, nextPort)));
            }
            return new TopologySpec(name, "generated " + shape.slug(), Map.of("shape", shape.slug()), specs,
                    linkSpecs);
        }

        private static String end(String node, Map<String, PortLayout> layouts, Map<String, Integer> nextPort) {
            int index = nextPort.merge(node, 1, Integer::sum) - 1;
            return node + ":" + layouts.get(node).portAt(index).shortName();
        }

        private static String describe(TemplateInfo t) {
            return t.name() == null ? t.nodeType() : t.name() + " (" + t.nodeType() + ")";
        }
    }

    private static final class DraftNode {
        final String name;
        final String role;
        final Integer priority;
        final int x;
        final int y;
        int degree;

        DraftNode(String name, String role, Integer priority, int x, int y) {
            this.name = name;
            this.role = role;
            this.priority = priority;
            this.x = x;
            this.y = y;
        }
    }
}
