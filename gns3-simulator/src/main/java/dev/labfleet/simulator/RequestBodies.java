package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request bodies the simulator accepts ({@code request-bodies.json}, written from GNS3 2.2's API documentation and
 * the recorded transcripts) and the check a body goes through before its handler runs. A refused body gets one
 * problem, worded as GNS3's 400s in the transcripts word theirs ("'name' is a required property", "42 is not of type
 * 'string', 'null'"...). The first problem found is the one reported: the body's type, then its required fields in
 * their listed order, then unknown fields where they are refused, then each field's value in the body's order, depth
 * first.
 */
final class RequestBodies {

    private static final Set<String> TYPES = Set.of("object", "array", "string", "integer", "number", "boolean",
            "null");
    private static final Set<String> ROUTE_KEYS = Set.of("note", "like", "required", "unknown_fields", "fields");
    private static final Set<String> RULE_KEYS = Set.of("type", "one_of", "length", "items", "required",
            "unknown_fields", "fields");

    /** What a value must be; null or empty parts check nothing. */
    private record Rule(List<String> types, JsonNode oneOf, Integer length, Rule items, Map<String, Rule> fields,
                        List<String> required, boolean refusesUnknown) {
    }

    private final Map<String, Rule> routes = new HashMap<>();

    RequestBodies() {
        JsonNode file;
        try (var in = RequestBodies.class.getResourceAsStream("request-bodies.json")) {
            file = Gns3Api.M.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode all = file.get("routes");
        all.fieldNames().forEachRemaining(route -> routes.put(route, route(route, all)));
    }

    private static Rule route(String route, JsonNode all) {
        JsonNode spec = all.get(route);
        if (spec == null) {
            throw new IllegalStateException("request-bodies.json: no route " + route);
        }
        spec.fieldNames().forEachRemaining(key -> {
            if (!ROUTE_KEYS.contains(key)) {
                throw new IllegalStateException("request-bodies.json: " + route + " has " + key);
            }
        });
        Map<String, Rule> fields = new LinkedHashMap<>();
        if (spec.has("like")) {
            fields.putAll(route(spec.get("like").asText(), all).fields());
        }
        fields.putAll(fields(route, spec.path("fields")));
        List<String> required = names(spec.path("required"));
        return new Rule(List.of("object"), null, null, null, fields, required, refuses(route, spec));
    }

    private static Map<String, Rule> fields(String where, JsonNode spec) {
        Map<String, Rule> fields = new LinkedHashMap<>();
        spec.fields().forEachRemaining(e -> fields.put(e.getKey(), rule(where + "." + e.getKey(), e.getValue())));
        return fields;
    }

    private static Rule rule(String where, JsonNode spec) {
        if (spec.isTextual() || spec.isArray()) {
            return new Rule(types(where, spec), null, null, null, null, List.of(), false);
        }
        spec.fieldNames().forEachRemaining(key -> {
            if (!RULE_KEYS.contains(key)) {
                throw new IllegalStateException("request-bodies.json: " + where + " has " + key);
            }
        });
        return new Rule(spec.has("type") ? types(where, spec.get("type")) : List.of(), spec.get("one_of"),
                spec.has("length") ? spec.get("length").asInt() : null,
                spec.has("items") ? rule(where + "[]", spec.get("items")) : null,
                spec.has("fields") ? fields(where, spec.get("fields")) : null,
                names(spec.path("required")), refuses(where, spec));
    }

    private static List<String> types(String where, JsonNode spec) {
        List<String> types = spec.isArray() ? names(spec) : List.of(spec.asText());
        for (String type : types) {
            if (!TYPES.contains(type)) {
                throw new IllegalStateException("request-bodies.json: " + where + " has type " + type);
            }
        }
        return types;
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.asText()));
        return names;
    }

    private static boolean refuses(String where, JsonNode spec) {
        String unknown = spec.path("unknown_fields").asText("accepted");
        if (!unknown.equals("accepted") && !unknown.equals("refused")) {
            throw new IllegalStateException("request-bodies.json: " + where + " has unknown_fields " + unknown);
        }
        return unknown.equals("refused");
    }

    private Rule routeRule(String route) {
        Rule rule = routes.get(route);
        if (rule == null) {
            throw new IllegalArgumentException("request-bodies.json describes no " + route);
        }
        return rule;
    }

    /** What is wrong with {@code body} for {@code route} ("METHOD /template"), or null when it is accepted. */
    String problem(String route, JsonNode body) {
        return check(routeRule(route), body);
    }

    /** Whether {@code field} is one the route's body may carry (handlers ignore the others they accepted). */
    boolean describes(String route, String field) {
        return routeRule(route).fields().containsKey(field);
    }

    private static String check(Rule rule, JsonNode value) {
        if (!rule.types().isEmpty() && rule.types().stream().noneMatch(type -> is(value, type))) {
            List<String> quoted = rule.types().stream().map(type -> PyRepr.of(TextNode.valueOf(type))).toList();
            return PyRepr.of(value) + " is not of type " + String.join(", ", quoted);
        }
        if (rule.oneOf() != null && !contains(rule.oneOf(), value)) {
            return PyRepr.of(value) + " is not one of " + PyRepr.of(rule.oneOf());
        }
        if (rule.length() != null && value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (length != rule.length()) {
                return PyRepr.of(value) + (length < rule.length() ? " is too short" : " is too long");
            }
        }
        if (value.isObject() && rule.fields() != null) {
            for (String field : rule.required()) {
                if (!value.has(field)) {
                    return PyRepr.of(TextNode.valueOf(field)) + " is a required property";
                }
            }
            if (rule.refusesUnknown()) {
                List<String> unknown = new ArrayList<>();
                value.fieldNames().forEachRemaining(name -> {
                    if (!rule.fields().containsKey(name)) {
                        unknown.add(PyRepr.of(TextNode.valueOf(name)));
                    }
                });
                if (!unknown.isEmpty()) {
                    return "Additional properties are not allowed (" + String.join(", ", unknown)
                            + (unknown.size() == 1 ? " was" : " were") + " unexpected)";
                }
            }
            for (var it = value.fields(); it.hasNext(); ) {
                var e = it.next();
                Rule field = rule.fields().get(e.getKey());
                String problem = field == null ? null : check(field, e.getValue());
                if (problem != null) {
                    return problem;
                }
            }
        }
        if (value.isArray() && rule.items() != null) {
            for (JsonNode item : value) {
                String problem = check(rule.items(), item);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode allowed : values) {
            if (allowed.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** JSON types as the transcripts name them: a number with a fraction or exponent is no integer. */
    private static boolean is(JsonNode value, String type) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> value.isNull();
        };
    }
}
