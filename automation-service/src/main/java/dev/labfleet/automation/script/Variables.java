package dev.labfleet.automation.script;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Typed variables: checking their declarations, and turning a run's values into what a template renders. */
public final class Variables {

    public static final List<String> TYPES = List.of("string", "integer", "number", "boolean", "ip", "cidr", "list");
    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    /** Names a template uses for the node it renders for; no variable may take them. */
    static final Set<String> RESERVED = Set.of("node", "nodes", "execution");

    private Variables() {
    }

    /** Problems of a list of declarations, with field paths under {@code path} (e.g. {@code variables}). */
    public static List<Problem.Violation> check(List<VariableSpec> specs, String path) {
        List<Problem.Violation> out = new ArrayList<>();
        if (specs == null) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            VariableSpec v = specs.get(i);
            String at = path + "[" + i + "]";
            if (v == null) {
                out.add(new Problem.Violation(at, "must not be null"));
                continue;
            }
            if (v.name() == null || !NAME.matcher(v.name()).matches()) {
                out.add(new Problem.Violation(at + ".name", "must be letters, digits and _ (not starting with a digit), "
                        + "at most 64 characters"));
            } else if (RESERVED.contains(v.name())) {
                out.add(new Problem.Violation(at + ".name", "'" + v.name() + "' is reserved for the node a script runs on"));
            } else if (!seen.add(v.name())) {
                out.add(new Problem.Violation(at + ".name", "'" + v.name() + "' is declared twice"));
            }
            if (v.type() == null || !TYPES.contains(v.type())) {
                out.add(new Problem.Violation(at + ".type", "must be one of " + String.join(", ", TYPES)));
                continue;
            }
            if (v.allowed() != null) {
                for (int j = 0; j < v.allowed().size(); j++) {
                    String error = typeError(v.type(), v.allowed().get(j));
                    if (error != null) {
                        out.add(new Problem.Violation(at + ".allowed[" + j + "]", error));
                    }
                }
            }
            if (v.defaultValue() != null && !v.defaultValue().isNull()) {
                String error = typeError(v.type(), v.defaultValue());
                if (error != null) {
                    out.add(new Problem.Violation(at + ".default", error));
                } else if (!isAllowed(v, v.defaultValue())) {
                    out.add(new Problem.Violation(at + ".default", "is not one of the allowed values"));
                }
            }
        }
        return out;
    }

    /**
     * The values a template renders with: each declared variable's given value, else its default; Java strings,
     * longs, doubles, booleans and lists.
     *
     * @param given the run's values by name (null: none)
     * @param path  the request field holding the values, for problem details ({@code variables})
     * @throws ProblemException 400 naming every variable that is missing, unknown, of the wrong type or not allowed
     */
    public static Map<String, Object> resolve(List<VariableSpec> specs, Map<String, JsonNode> given, String path) {
        List<Problem.Violation> violations = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, VariableSpec> byName = new LinkedHashMap<>();
        if (specs != null) {
            specs.forEach(s -> byName.put(s.name(), s));
        }
        if (given != null) {
            for (String name : given.keySet()) {
                if (!byName.containsKey(name)) {
                    violations.add(new Problem.Violation(path + "." + name, "is not a variable of this script (declared: "
                            + (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + ")"));
                }
            }
        }
        for (VariableSpec spec : byName.values()) {
            JsonNode value = given == null ? null : given.get(spec.name());
            String at = path + "." + spec.name();
            if (value == null || value.isNull()) {
                value = spec.defaultValue();
            }
            if (value == null || value.isNull()) {
                if (spec.isRequired()) {
                    violations.add(new Problem.Violation(at, "is required (" + spec.type() + ") and has no value"));
                }
                continue;
            }
            String error = typeError(spec.type(), value);
            if (error != null) {
                violations.add(new Problem.Violation(at, error));
            } else if (!isAllowed(spec, value)) {
                violations.add(new Problem.Violation(at, "must be one of " + spec.allowed()));
            } else {
                values.put(spec.name(), toJava(value));
            }
        }
        if (!violations.isEmpty()) {
            throw invalid(violations);
        }
        return values;
    }

    public static ProblemException invalid(List<Problem.Violation> violations) {
        String detail = violations.size() == 1 ? violations.get(0).field() + ": " + violations.get(0).message()
                : violations.size() + " fields are invalid: " + violations.get(0).field() + ": " + violations.get(0).message()
                + ", ...";
        return new ProblemException(Problem.of(ProblemTypes.VALIDATION, detail).withViolations(violations));
    }

    /** Why a value does not fit a type, or null when it does. */
    static String typeError(String type, JsonNode value) {
        return switch (type) {
            case "string" -> value.isTextual() ? null : "must be a string";
            case "integer" -> value.isIntegralNumber() && value.canConvertToLong() ? null : "must be an integer";
            case "number" -> value.isNumber() ? null : "must be a number";
            case "boolean" -> value.isBoolean() ? null : "must be true or false";
            case "ip" -> value.isTextual() && IPV4.matcher(value.asText()).matches() ? null
                    : "must be an IPv4 address such as 10.0.0.1";
            case "cidr" -> value.isTextual() && isCidr(value.asText()) ? null
                    : "must be an IPv4 prefix such as 10.0.0.0/24";
            case "list" -> value.isArray() ? null : "must be a list";
            default -> "has an unknown type";
        };
    }

    private static boolean isCidr(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !IPV4.matcher(text.substring(0, slash)).matches()) {
            return false;
        }
        try {
            int length = Integer.parseInt(text.substring(slash + 1));
            return length >= 0 && length <= 32;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isAllowed(VariableSpec spec, JsonNode value) {
        if (spec.allowed() == null || spec.allowed().isEmpty()) {
            return true;
        }
        for (JsonNode allowed : spec.allowed()) {
            if (allowed.equals(value) || allowed.isNumber() && value.isNumber()
                    && allowed.decimalValue().compareTo(value.decimalValue()) == 0) {
                return true;
            }
        }
        return false;
    }

    static Object toJava(JsonNode value) {
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        if (value.isNumber()) {
            return value.asDouble();
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        if (value.isArray()) {
            List<Object> list = new ArrayList<>();
            value.forEach(v -> list.add(toJava(v)));
            return list;
        }
        if (value.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            value.fields().forEachRemaining(e -> map.put(e.getKey(), toJava(e.getValue())));
            return map;
        }
        return value.asText();
    }
}
