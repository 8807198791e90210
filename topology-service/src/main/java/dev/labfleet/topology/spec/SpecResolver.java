package dev.labfleet.topology.spec;

import dev.labfleet.common.problem.JsonProblems;
import dev.labfleet.common.problem.Names;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Validates a spec against a template catalogue and resolves it, reporting every problem with its path
 * ({@code nodes[3].name}, {@code links[2].a}, {@code links[0].conditions.packet_loss}) rather than the first one.
 */
public final class SpecResolver {

    public static final int MAX_NODES = 10_000;
    public static final int MAX_LINKS = 20_000;
    public static final int MAX_NAME_LENGTH = 100;
    public static final int MAX_BPF_LENGTH = 4_096;
    /** GNS3's limit for delay, jitter and frequency_drop (uBridge's 16-bit parameters). */
    public static final int MAX_FILTER_VALUE = 32_767;

    private final TemplateCatalogue catalogue;

    public SpecResolver(TemplateCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    /**
     * The outcome of {@link #resolve}: the resolved topology when there are no violations.
     *
     * @param topology   null unless valid
     * @param violations every problem found, in spec order
     */
    public record Result(ResolvedTopology topology, List<Problem.Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    /** The resolved topology, or a 400 validation problem listing every violation. */
    public ResolvedTopology resolveOrThrow(TopologySpec spec) {
        Result result = resolve(spec);
        if (!result.valid()) {
            throw invalid(result.violations());
        }
        return result.topology();
    }

    /** A 400 validation problem for these violations. */
    public static ProblemException invalid(List<Problem.Violation> violations) {
        String detail = violations.size() == 1
                ? violations.get(0).field() + ": " + violations.get(0).message()
                : "the topology has " + violations.size() + " problems";
        return new ProblemException(Problem.of(ProblemTypes.VALIDATION, detail).withViolations(violations));
    }

    public Result resolve(TopologySpec spec) {
        List<Problem.Violation> violations = new ArrayList<>();
        if (spec == null) {
            return new Result(null, List.of(new Problem.Violation("", "the topology is empty")));
        }
        String lab = spec.name() == null ? null : Names.problem(spec.name(), 200);
        if (lab != null) {
            violations.add(new Problem.Violation("name", lab));
        }
        checkLabels("labels", spec.labels(), violations);
        if (spec.nodes().size() > MAX_NODES) {
            violations.add(new Problem.Violation("nodes", "at most " + MAX_NODES + " nodes"));
            return new Result(null, violations);
        }
        if (spec.links().size() > MAX_LINKS) {
            violations.add(new Problem.Violation("links", "at most " + MAX_LINKS + " links"));
            return new Result(null, violations);
        }

        // Name -> the resolved node, or null for a node that exists but whose type is unknown (its links are not
        // checked further, to report the root cause once).
        Map<String, ResolvedTopology.Node> byName = new HashMap<>();
        Map<String, Integer> firstIndex = new HashMap<>();
        List<ResolvedTopology.Node> nodes = new ArrayList<>();
        for (int i = 0; i < spec.nodes().size(); i++) {
            ResolvedTopology.Node node = resolveNode(i, spec.nodes().get(i), violations);
            NodeSpec n = spec.nodes().get(i);
            if (n == null || !validName(n.name())) {
                continue;
            }
            Integer earlier = firstIndex.putIfAbsent(n.name(), i);
            if (earlier != null) {
                violations.add(new Problem.Violation("nodes[" + i + "].name",
                        "duplicate node name '" + n.name() + "' (also nodes[" + earlier + "])"));
                continue;
            }
            byName.put(n.name(), node);
            if (node != null) {
                nodes.add(node);
            }
        }

        Map<String, String> usedPorts = new HashMap<>();
        List<ResolvedTopology.Link> links = new ArrayList<>();
        for (int i = 0; i < spec.links().size(); i++) {
            LinkSpec l = spec.links().get(i);
            String path = "links[" + i + "]";
            if (l == null) {
                violations.add(new Problem.Violation(path, "must not be null"));
                continue;
            }
            ResolvedTopology.Endpoint a = endpoint(path + ".a", l.a(), byName, firstIndex, usedPorts, violations);
            ResolvedTopology.Endpoint b = endpoint(path + ".b", l.b(), byName, firstIndex, usedPorts, violations);
            boolean conditionsOk = checkConditions(path + ".conditions", l.conditions(), violations);
            if (a != null && b != null && conditionsOk) {
                links.add(new ResolvedTopology.Link(l, a, b, LinkFilters.toGns3(l.conditions()), l.suspended()));
            }
        }
        if (!violations.isEmpty()) {
            return new Result(null, List.copyOf(violations));
        }
        return new Result(new ResolvedTopology(spec, nodes, links), List.of());
    }

    private ResolvedTopology.Node resolveNode(int i, NodeSpec n, List<Problem.Violation> violations) {
        String path = "nodes[" + i + "]";
        if (n == null) {
            violations.add(new Problem.Violation(path, "must not be null"));
            return null;
        }
        if (n.name() == null || n.name().isBlank()) {
            violations.add(new Problem.Violation(path + ".name", "a node needs a name"));
        } else if (!validName(n.name())) {
            violations.add(new Problem.Violation(path + ".name", nameProblem(n.name())));
        }
        if (n.position() != null) {
            if (n.position().x() == null) {
                violations.add(new Problem.Violation(path + ".position.x", "required with position"));
            }
            if (n.position().y() == null) {
                violations.add(new Problem.Violation(path + ".position.y", "required with position"));
            }
        }
        if (n.priority() != null && n.priority() < 0) {
            violations.add(new Problem.Violation(path + ".priority", "must be 0 or more"));
        }
        checkLabels(path + ".labels", n.labels(), violations);

        String nodeType = null;
        UUID templateId = null;
        Map<String, Object> effective = new java.util.LinkedHashMap<>();
        boolean hasTemplate = n.template() != null && !n.template().isBlank();
        boolean hasType = n.nodeType() != null && !n.nodeType().isBlank();
        if (hasTemplate && hasType) {
            violations.add(new Problem.Violation(path + ".node_type", "give either template or node_type, not both"));
        } else if (!hasTemplate && !hasType) {
            violations.add(new Problem.Violation(path + ".template", "a node needs a template or a node_type"));
        } else if (hasTemplate) {
            TemplateInfo template = catalogue.find(n.template()).orElse(null);
            if (template == null) {
                violations.add(new Problem.Violation(path + ".template", "unknown template '" + n.template() + "'"));
            } else {
                nodeType = template.nodeType();
                templateId = template.templateId();
                effective.putAll(template.properties());
            }
        } else if (!NodeTypes.known(n.nodeType())) {
            violations.add(new Problem.Violation(path + ".node_type", "unknown node type '" + n.nodeType()
                    + "'; one of " + String.join(", ", new java.util.TreeSet<>(NodeTypes.ALL))));
        } else {
            nodeType = n.nodeType();
        }
        if (nodeType == null) {
            return null;
        }
        effective.putAll(n.properties());
        PortLayout layout;
        try {
            layout = NodeTypes.layout(nodeType, effective);
        } catch (NodeTypes.BadPropertyException e) {
            violations.add(new Problem.Violation(path + ".properties." + e.property(), e.getMessage()));
            return null;
        }
        return new ResolvedTopology.Node(n, nodeType, templateId, layout);
    }

    private static ResolvedTopology.Endpoint endpoint(String path, String value,
                                                      Map<String, ResolvedTopology.Node> byName,
                                                      Map<String, Integer> firstIndex,
                                                      Map<String, String> usedPorts,
                                                      List<Problem.Violation> violations) {
        if (value == null || value.isBlank()) {
            violations.add(new Problem.Violation(path, "required: node:port, e.g. PC1:e0"));
            return null;
        }
        int colon = value.indexOf(':');
        if (colon <= 0 || colon == value.length() - 1) {
            violations.add(new Problem.Violation(path, JsonProblems.quote(value, '\'') + " is not node:port, e.g. PC1:e0"));
            return null;
        }
        String nodeName = value.substring(0, colon).trim();
        String portName = value.substring(colon + 1).trim();
        if (!firstIndex.containsKey(nodeName)) {
            violations.add(new Problem.Violation(path, "no node named " + JsonProblems.quote(nodeName, '\'')));
            return null;
        }
        ResolvedTopology.Node node = byName.get(nodeName);
        if (node == null) {
            return null; // the node itself is invalid and reported
        }
        PortLayout.Resolution resolution = node.layout().resolve(portName);
        if (!resolution.ok()) {
            violations.add(new Problem.Violation(path, resolution.error() + " ('" + nodeName + "')"));
            return null;
        }
        ResolvedTopology.Endpoint endpoint = new ResolvedTopology.Endpoint(nodeName, resolution.port());
        String earlier = usedPorts.putIfAbsent(endpoint.key(), path);
        if (earlier != null) {
            violations.add(new Problem.Violation(path, "port " + nodeName + ":" + resolution.port().shortName()
                    + " (" + resolution.port().address() + ") is already used by " + earlier));
            return null;
        }
        return endpoint;
    }

    private static boolean checkConditions(String path, LinkConditions c, List<Problem.Violation> violations) {
        if (c == null) {
            return true;
        }
        int before = violations.size();
        range(path + ".packet_loss", c.packetLoss(), 0, 100, violations);
        range(path + ".corruption", c.corruption(), 0, 100, violations);
        range(path + ".delay", c.delay(), 0, MAX_FILTER_VALUE, violations);
        range(path + ".jitter", c.jitter(), 0, MAX_FILTER_VALUE, violations);
        if (c.jitter() != null && c.delay() == null) {
            violations.add(new Problem.Violation(path + ".jitter", "jitter needs a delay"));
        }
        range(path + ".frequency_drop", c.frequencyDrop(), -1, MAX_FILTER_VALUE, violations);
        if (c.bpf() != null) {
            if (c.bpf().isBlank()) {
                violations.add(new Problem.Violation(path + ".bpf", "must not be blank"));
            } else if (c.bpf().length() > MAX_BPF_LENGTH) {
                violations.add(new Problem.Violation(path + ".bpf", "at most " + MAX_BPF_LENGTH + " characters"));
            }
        }
        return violations.size() == before;
    }

    private static void range(String path, Integer value, int min, int max, List<Problem.Violation> violations) {
        if (value != null && (value < min || value > max)) {
            violations.add(new Problem.Violation(path, value + " is out of range: " + min + " to " + max));
        }
    }

    private static void checkLabels(String path, Map<String, String> labels, List<Problem.Violation> violations) {
        labels.forEach((key, value) -> {
            String keyProblem = key == null ? "label keys must not be null" : Names.problem(key, MAX_NAME_LENGTH);
            String valueProblem = Names.textProblem(value, 1000);
            if (keyProblem != null) {
                violations.add(new Problem.Violation(path, "label key: " + keyProblem));
            } else if (valueProblem != null) {
                violations.add(new Problem.Violation(path + "." + key, valueProblem));
            }
        });
    }

    static boolean validName(String name) {
        return name != null && nameProblem(name) == null;
    }

    /** The one name rule ({@link Names}) and no ':' (it separates a link end's node from its port). */
    static String nameProblem(String name) {
        String problem = Names.problem(name, MAX_NAME_LENGTH);
        return problem != null ? problem : name.indexOf(':') >= 0 ? "must not contain ':'" : null;
    }
}
