package dev.labfleet.automation.workflow;

import dev.labfleet.automation.script.VariableSpec;
import dev.labfleet.automation.script.Variables;
import dev.labfleet.automation.service.ScriptService;
import dev.labfleet.common.problem.Names;
import dev.labfleet.common.problem.Problem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a workflow before it is saved: known step kinds, each kind's fields, unique step ids, references to steps
 * ({@code dependsOn}, {@code from}) and variables ({@code {name}} in step values, {@code setVariable}'s targets) that
 * exist, and no dependency cycle. Every problem names its step ({@code steps[2] (snap)...}).
 */
public final class WorkflowValidator {

    public static final Set<String> KINDS = Set.of("runScript", "validate", "createLab", "applyTopology", "startNodes",
            "stopNodes", "snapshot", "restoreSnapshot", "wait", "setVariable", "approval");
    /** What GNS3 reports as a node's status, so what a wait can wait for. */
    private static final List<String> NODE_STATUSES = List.of("started", "stopped", "suspended");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final Pattern REFERENCE = Pattern.compile("\\{([A-Za-z_][A-Za-z0-9_]*)[.}]");
    /** Names every step can use: the execution and the lab it works on. */
    public static final Set<String> BUILTINS = Set.of("execution", "projectId");

    private WorkflowValidator() {
    }

    /** The steps in the order they run (dependencies first, else list order); problems are added to {@code v}. */
    public static List<StepSpec> check(WorkflowDefinition w, List<Problem.Violation> v) {
        String nameProblem = w.name() == null ? "is required" : Names.problem(w.name());
        if (nameProblem != null) {
            v.add(new Problem.Violation("name", nameProblem));
        }
        v.addAll(Variables.check(w.variables(), "variables"));
        List<StepSpec> steps = w.steps() == null ? List.of() : w.steps();
        if (steps.isEmpty()) {
            v.add(new Problem.Violation("steps", "a workflow needs at least one step"));
            return List.of();
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            StepSpec s = steps.get(i);
            if (s == null) {
                v.add(new Problem.Violation("steps[" + i + "]", "must not be null"));
                return List.of();
            }
            if (s.id() == null || !ID.matcher(s.id()).matches()) {
                v.add(new Problem.Violation(at(i, s) + ".id", "must be 1 to 64 letters, digits, '_' or '-'"));
            } else if (index.putIfAbsent(s.id(), i) != null) {
                v.add(new Problem.Violation(at(i, s) + ".id", "'" + s.id() + "' is the id of an earlier step too"));
            }
        }
        for (int i = 0; i < steps.size(); i++) {
            fields(i, steps.get(i), index, v);
        }
        List<StepSpec> order = order(steps, index, v);
        if (order.isEmpty()) {
            return order;
        }
        // variables: declared ones, then what each setVariable step sets, in run order
        Set<String> known = new HashSet<>(BUILTINS);
        if (w.variables() != null) {
            w.variables().stream().map(VariableSpec::name).forEach(known::add);
        }
        Map<String, Integer> position = new HashMap<>();
        for (int p = 0; p < order.size(); p++) {
            position.put(order.get(p).id(), p);
        }
        for (int p = 0; p < order.size(); p++) {
            StepSpec s = order.get(p);
            int i = index.get(s.id());
            references(i, s, known, v);
            if ("setVariable".equals(s.kind()) && s.from() != null && position.containsKey(s.from())
                    && position.get(s.from()) >= p) {
                v.add(new Problem.Violation(at(i, s) + ".from", "step '" + s.from() + "' runs after this one"));
            }
            if ("setVariable".equals(s.kind()) && s.variable() != null) {
                known.add(s.variable());
            }
        }
        return order;
    }

    static String at(int i, StepSpec s) {
        return "steps[" + i + "]" + (s != null && s.id() != null ? " (" + s.id() + ")" : "");
    }

    private static void fields(int i, StepSpec s, Map<String, Integer> index, List<Problem.Violation> v) {
        String at = at(i, s);
        if (s.kind() == null || !KINDS.contains(s.kind())) {
            v.add(new Problem.Violation(at + ".kind", (s.kind() == null ? "is required" : "unknown step kind '"
                    + s.kind() + "'") + ": one of " + String.join(", ", KINDS.stream().sorted().toList())));
            return;
        }
        String onFailure = s.onFailure() == null ? "stop" : s.onFailure();
        if (!Set.of("stop", "continue", "retry").contains(onFailure)) {
            v.add(new Problem.Violation(at + ".onFailure", "must be stop, continue or retry"));
        } else if (onFailure.equals("retry") && (s.retries() == null || s.retries() < 1 || s.retries() > 100)) {
            v.add(new Problem.Violation(at + ".retries", "onFailure retry needs retries between 1 and 100"));
        }
        if (s.dependsOn() != null) {
            for (String d : s.dependsOn()) {
                if (!index.containsKey(d)) {
                    v.add(new Problem.Violation(at + ".dependsOn", "refers to step '" + d + "', which does not exist"));
                }
            }
        }
        switch (s.kind()) {
            case "runScript", "validate" -> {
                if (s.script() == null || s.script().isBlank()) {
                    v.add(new Problem.Violation(at + ".script", "is required: the name of a script"));
                }
                if (s.assertions() != null) {
                    for (int a = 0; a < s.assertions().size(); a++) {
                        ScriptService.checkAssertion(s.assertions().get(a), at + ".assertions[" + a + "]", v);
                    }
                }
                if ("validate".equals(s.kind()) && (s.assertions() == null || s.assertions().isEmpty())) {
                    v.add(new Problem.Violation(at + ".assertions", "a validate step needs at least one assertion"));
                }
            }
            case "createLab" -> {
                if (s.spec() == null || !s.spec().path("name").isTextual()) {
                    v.add(new Problem.Violation(at + ".spec.name", "is required: the new lab's name"));
                }
            }
            case "applyTopology" -> {
                if (s.spec() == null || !s.spec().isObject()) {
                    v.add(new Problem.Violation(at + ".spec", "is required: the topology spec"));
                }
            }
            case "snapshot", "restoreSnapshot" -> {
                if (s.name() == null || s.name().isBlank()) {
                    v.add(new Problem.Violation(at + ".name", "is required: the snapshot's name"));
                }
            }
            case "wait" -> {
                if (s.seconds() == null && s.untilStatus() == null) {
                    v.add(new Problem.Violation(at, "a wait step needs seconds or untilStatus"));
                }
                if (s.seconds() != null && (s.seconds() < 0 || s.seconds() > 86_400)) {
                    v.add(new Problem.Violation(at + ".seconds", "must be between 0 and 86400"));
                }
                if (s.untilStatus() != null && !NODE_STATUSES.contains(s.untilStatus())) {
                    v.add(new Problem.Violation(at + ".untilStatus", "must be one of " + NODE_STATUSES
                            + " (GNS3's node statuses)"));
                }
                if (s.timeoutSeconds() != null && (s.timeoutSeconds() <= 0 || s.timeoutSeconds() > 86_400)) {
                    v.add(new Problem.Violation(at + ".timeoutSeconds", "must be above 0 and at most 86400"));
                }
            }
            case "setVariable" -> {
                if (s.variable() == null || !s.variable().matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
                    v.add(new Problem.Violation(at + ".variable", "is required: a variable name"));
                }
                if (s.from() == null || !index.containsKey(s.from())) {
                    v.add(new Problem.Violation(at + ".from", s.from() == null ? "is required: the id of an earlier step"
                            : "refers to step '" + s.from() + "', which does not exist"));
                }
                if (s.regex() == null) {
                    v.add(new Problem.Violation(at + ".regex", "is required"));
                } else {
                    try {
                        Pattern.compile(s.regex());
                    } catch (PatternSyntaxException e) {
                        v.add(new Problem.Violation(at + ".regex", "the regex does not compile: " + e.getDescription()
                                + " near index " + e.getIndex()));
                    }
                }
            }
            default -> {
                // startNodes, stopNodes, approval: nothing required
            }
        }
    }

    /** Kahn's order (list order among ready steps); a cycle is reported on a step in it. */
    private static List<StepSpec> order(List<StepSpec> steps, Map<String, Integer> index, List<Problem.Violation> v) {
        if (index.size() != steps.size()) {
            return List.of();
        }
        Map<String, List<String>> deps = new HashMap<>();
        for (StepSpec s : steps) {
            List<String> d = new ArrayList<>();
            if (s.dependsOn() != null) {
                s.dependsOn().stream().filter(index::containsKey).forEach(d::add);
            }
            deps.put(s.id(), d);
        }
        for (StepSpec s : steps) {
            List<String> cycle = cycle(s.id(), deps, new ArrayList<>(), new HashSet<>());
            if (cycle != null) {
                v.add(new Problem.Violation(at(index.get(s.id()), s) + ".dependsOn", "dependency cycle: "
                        + String.join(" -> ", cycle)));
                return List.of();
            }
        }
        List<StepSpec> out = new ArrayList<>();
        Set<String> done = new HashSet<>();
        while (out.size() < steps.size()) {
            for (StepSpec s : steps) {
                if (!done.contains(s.id()) && done.containsAll(deps.get(s.id()))) {
                    out.add(s);
                    done.add(s.id());
                    break;
                }
            }
        }
        return out;
    }

    private static List<String> cycle(String id, Map<String, List<String>> deps, List<String> path, Set<String> done) {
        if (path.contains(id)) {
            List<String> c = new ArrayList<>(path.subList(path.indexOf(id), path.size()));
            c.add(id);
            return c;
        }
        if (!done.add(id)) {
            return null;
        }
        path.add(id);
        for (String d : deps.getOrDefault(id, List.of())) {
            List<String> c = cycle(d, deps, path, done);
            if (c != null) {
                return c;
            }
        }
        path.remove(path.size() - 1);
        return null;
    }

    private static void references(int i, StepSpec s, Set<String> known, List<Problem.Violation> v) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", s.name());
        values.put("untilStatus", s.untilStatus());
        if (s.nodes() != null) {
            for (int n = 0; n < s.nodes().size(); n++) {
                values.put("nodes[" + n + "]", s.nodes().get(n));
            }
        }
        if (s.variables() != null) {
            s.variables().forEach((k, val) -> values.put("variables." + k, val == null ? null : val.toString()));
        }
        if (s.spec() != null) {
            values.put("spec", s.spec().toString());
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (e.getValue() == null) {
                continue;
            }
            Matcher m = REFERENCE.matcher(e.getValue().toString());
            while (m.find()) {
                if (!known.contains(m.group(1))) {
                    v.add(new Problem.Violation(at(i, s) + "." + e.getKey(), "refers to variable '" + m.group(1)
                            + "', which is neither declared nor set by an earlier step"));
                }
            }
        }
    }
}
