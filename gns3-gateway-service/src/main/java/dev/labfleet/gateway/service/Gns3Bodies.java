package dev.labfleet.gateway.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.Names;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a body bound for GNS3 before anything is sent: every field GNS3 knows has the JSON type GNS3's schemas give
 * it, integers are within the ranges GNS3 and its clients can hold (32 bits for positions and sizes, 1-65535 for a
 * console port, -359 to 360 for a rotation), and names follow the one naming rule ({@link Names}). A field name
 * means the same thing in every GNS3 body the gateway forwards (nodes, links and their ends, drawings, labels,
 * projects, snapshots, templates), so one table covers them all; fields it does not list pass unchecked, as GNS3's
 * own schemas let type-specific ones through. A value GNS3 would store but no reader could hold (an {@code x} of
 * 99999999999999999999) would otherwise make the lab unreadable for every client.
 */
public final class Gns3Bodies {

    private enum Type { INTEGER, STRING, NAME, BOOLEAN, OBJECT, ARRAY }

    private record Rule(Type type, boolean nullable, long min, long max) {

        String expected() {
            String what = switch (type) {
                case INTEGER -> "an integer from " + min + " to " + max;
                case STRING -> "a string";
                case NAME -> "a name (a string)";
                case BOOLEAN -> "true or false";
                case OBJECT -> "an object";
                case ARRAY -> "an array";
            };
            return "must be " + what + (nullable ? " or null" : "");
        }
    }

    private static final long INT_MIN = Integer.MIN_VALUE;
    private static final long INT_MAX = Integer.MAX_VALUE;
    private static final Rule INT32 = new Rule(Type.INTEGER, false, INT_MIN, INT_MAX);
    private static final Rule INDEX = new Rule(Type.INTEGER, false, 0, INT_MAX);
    private static final Rule ROTATION = new Rule(Type.INTEGER, false, -359, 360);
    private static final Rule CONSOLE = new Rule(Type.INTEGER, true, 1, 65535);
    private static final Rule STRING = new Rule(Type.STRING, false, 0, 0);
    private static final Rule STRING_OR_NULL = new Rule(Type.STRING, true, 0, 0);
    private static final Rule NAME = new Rule(Type.NAME, false, 0, 0);
    private static final Rule BOOLEAN = new Rule(Type.BOOLEAN, false, 0, 0);
    private static final Rule OBJECT = new Rule(Type.OBJECT, false, 0, 0);
    private static final Rule OBJECT_OR_NULL = new Rule(Type.OBJECT, true, 0, 0);
    private static final Rule ARRAY = new Rule(Type.ARRAY, false, 0, 0);
    private static final Rule ARRAY_OR_NULL = new Rule(Type.ARRAY, true, 0, 0);

    /** GNS3 2.2's body fields (API documentation and recorded transcripts), by name. */
    private static final Map<String, Rule> FIELDS = Map.ofEntries(
            Map.entry("name", NAME),
            Map.entry("x", INT32), Map.entry("y", INT32), Map.entry("z", INT32),
            Map.entry("width", INT32), Map.entry("height", INT32),
            Map.entry("rotation", ROTATION),
            Map.entry("console", CONSOLE),
            Map.entry("scene_width", INT32), Map.entry("scene_height", INT32), Map.entry("zoom", INT32),
            Map.entry("grid_size", INT32), Map.entry("drawing_grid_size", INT32),
            Map.entry("port_segment_size", INT32),
            Map.entry("adapter_number", INDEX), Map.entry("port_number", INDEX),
            Map.entry("locked", BOOLEAN), Map.entry("suspend", BOOLEAN), Map.entry("capturing", BOOLEAN),
            Map.entry("auto_close", BOOLEAN), Map.entry("auto_open", BOOLEAN), Map.entry("auto_start", BOOLEAN),
            Map.entry("show_grid", BOOLEAN), Map.entry("show_layers", BOOLEAN), Map.entry("snap_to_grid", BOOLEAN),
            Map.entry("show_interface_labels", BOOLEAN), Map.entry("console_auto_start", BOOLEAN),
            Map.entry("reset_mac_addresses", BOOLEAN),
            Map.entry("node_id", STRING), Map.entry("link_id", STRING), Map.entry("drawing_id", STRING),
            Map.entry("project_id", STRING_OR_NULL), Map.entry("template_id", STRING_OR_NULL),
            Map.entry("node_type", STRING), Map.entry("compute_id", STRING_OR_NULL),
            Map.entry("console_type", STRING_OR_NULL), Map.entry("console_host", STRING),
            Map.entry("symbol", STRING_OR_NULL), Map.entry("svg", STRING), Map.entry("path", STRING_OR_NULL),
            Map.entry("link_type", STRING), Map.entry("data_link_type", STRING),
            Map.entry("capture_file_name", STRING_OR_NULL),
            Map.entry("properties", OBJECT), Map.entry("label", OBJECT), Map.entry("link_style", OBJECT),
            Map.entry("filters", OBJECT), Map.entry("supplier", OBJECT_OR_NULL),
            Map.entry("nodes", ARRAY), Map.entry("ports", ARRAY), Map.entry("custom_adapters", ARRAY),
            Map.entry("variables", ARRAY_OR_NULL));

    /** A label's fields (a node's, a link end's): x and y are null when GNS3 centres the label. */
    private static final Map<String, Rule> LABEL = Map.of(
            "x", new Rule(Type.INTEGER, true, INT_MIN, INT_MAX), "y", new Rule(Type.INTEGER, true, INT_MIN, INT_MAX),
            "rotation", ROTATION, "text", STRING, "style", STRING_OR_NULL);

    /** Fields whose object values (or array elements' values) are checked too, with their table. */
    private static final Map<String, Map<String, Rule>> NESTED = Map.of("nodes", FIELDS, "label", LABEL);

    private Gns3Bodies() {
    }

    /**
     * @param body a JSON body for GNS3, or null (nothing to check)
     * @throws ProblemException 400 naming every field that GNS3 could not take or no reader could hold
     */
    public static void require(JsonNode body) {
        if (body == null) {
            return;
        }
        List<Problem.Violation> violations = new ArrayList<>();
        check(body, "", violations);
        throwIfAny(violations);
    }

    /** {@link #require} for a body whose {@code name} must be given (a snapshot's, a duplicate's). */
    public static void requireNamed(JsonNode body) {
        require(body);
        if (body == null || !body.hasNonNull("name")) {
            throw ProblemException.invalid("name", "must be given");
        }
    }

    /** Adds what is wrong with {@code body} to {@code violations}, each field under {@code path}. */
    public static void check(JsonNode body, String path, List<Problem.Violation> violations) {
        check(body, FIELDS, path, violations);
    }

    private static void check(JsonNode body, Map<String, Rule> table, String path,
                              List<Problem.Violation> violations) {
        if (!body.isObject()) {
            violations.add(new Problem.Violation(path.isEmpty() ? "body" : path, "must be a JSON object"));
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            Rule rule = table.get(field.getKey());
            if (rule == null) {
                continue;
            }
            String at = join(path, field.getKey());
            JsonNode value = field.getValue();
            String problem = problem(rule, value);
            if (problem != null) {
                violations.add(new Problem.Violation(at, problem));
            } else if (table == FIELDS && NESTED.containsKey(field.getKey())) {
                Map<String, Rule> nested = NESTED.get(field.getKey());
                if (value.isObject()) {
                    check(value, nested, at, violations);
                } else if (value.isArray()) {
                    for (int i = 0; i < value.size(); i++) {
                        check(value.get(i), nested, at + "[" + i + "]", violations);
                    }
                }
            }
        }
    }

    /**
     * The streaming form of {@link #check} for one field of a body (the batch reads bodies without trees): checks
     * the value the parser is on and leaves the parser on its last token, as {@code skipChildren} would.
     */
    static void check(String field, JsonParser in, String path, List<Problem.Violation> violations)
            throws IOException {
        check(field, FIELDS, in, path, violations);
    }

    private static void check(String field, Map<String, Rule> table, JsonParser in, String path,
                              List<Problem.Violation> violations) throws IOException {
        Rule rule = table.get(field);
        JsonToken token = in.currentToken();
        if (rule == null) {
            in.skipChildren();
            return;
        }
        String at = join(path, field);
        String problem = problem(rule, token, in);
        Map<String, Rule> nested = table == FIELDS ? NESTED.get(field) : null;
        if (problem != null) {
            violations.add(new Problem.Violation(at, problem));
            in.skipChildren();
        } else if (nested != null && token == JsonToken.START_OBJECT) {
            checkObject(in, nested, at, violations);
        } else if (nested != null && token == JsonToken.START_ARRAY) {
            int i = 0;
            for (JsonToken t = in.nextToken(); t != JsonToken.END_ARRAY; t = in.nextToken(), i++) {
                if (t == JsonToken.START_OBJECT) {
                    checkObject(in, nested, at + "[" + i + "]", violations);
                } else {
                    violations.add(new Problem.Violation(at + "[" + i + "]", "must be a JSON object"));
                    in.skipChildren();
                }
            }
        } else {
            in.skipChildren();
        }
    }

    /** Walks an object from its START_OBJECT to its END_OBJECT, checking each field with {@code table}. */
    private static void checkObject(JsonParser in, Map<String, Rule> table, String path,
                                    List<Problem.Violation> violations) throws IOException {
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            in.nextToken();
            check(name, table, in, path, violations);
        }
    }

    static void throwIfAny(List<Problem.Violation> violations) {
        if (!violations.isEmpty()) {
            throw new ProblemException(Problem.of(ProblemTypes.VALIDATION, violations.size() == 1
                    ? violations.get(0).field() + ": " + violations.get(0).message()
                    : violations.size() + " fields are invalid").withViolations(violations));
        }
    }

    private static String problem(Rule rule, JsonNode value) {
        if (value.isNull()) {
            return rule.nullable() ? null : rule.expected();
        }
        return switch (rule.type()) {
            case INTEGER -> !value.isIntegralNumber() ? rule.expected()
                    : value.canConvertToLong() ? range(rule, value.longValue()) : rule.expected();
            case STRING -> value.isTextual() ? null : rule.expected();
            case NAME -> value.isTextual() ? Names.problem(value.textValue()) : rule.expected();
            case BOOLEAN -> value.isBoolean() ? null : rule.expected();
            case OBJECT -> value.isObject() ? null : rule.expected();
            case ARRAY -> value.isArray() ? null : rule.expected();
        };
    }

    private static String problem(Rule rule, JsonToken token, JsonParser in) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return rule.nullable() ? null : rule.expected();
        }
        return switch (rule.type()) {
            case INTEGER -> token != JsonToken.VALUE_NUMBER_INT ? rule.expected()
                    : in.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? rule.expected()
                    : range(rule, in.getLongValue());
            case STRING -> token == JsonToken.VALUE_STRING ? null : rule.expected();
            case NAME -> token == JsonToken.VALUE_STRING ? Names.problem(in.getText()) : rule.expected();
            case BOOLEAN -> token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE ? null : rule.expected();
            case OBJECT -> token == JsonToken.START_OBJECT ? null : rule.expected();
            case ARRAY -> token == JsonToken.START_ARRAY ? null : rule.expected();
        };
    }

    private static String range(Rule rule, long value) {
        return value >= rule.min() && value <= rule.max() ? null : rule.expected();
    }

    private static String join(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }
}
