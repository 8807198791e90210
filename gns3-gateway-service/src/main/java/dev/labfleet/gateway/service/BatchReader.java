package dev.labfleet.gateway.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.labfleet.common.problem.Problem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a batch's JSON ({@code BatchRequest}) in one streaming pass, without building a tree: each operation's
 * body is kept as the bytes the caller sent (GNS3 gets them unchanged) and only the ids the scheduler and the retry
 * rule need are picked out of it on the way. A thousand-node batch is a megabyte; parsing it into trees and writing
 * every body out again cost more than the rest of the gateway's work on it.
 *
 * <p>What is not a batch's shape (an {@code operations} that is not an array, an operation that is not an object,
 * a body that is not an object...) is reported as a violation with its path, all at once; malformed JSON fails the
 * read with Jackson's own exception (a 400 through the problem mappers).
 */
final class BatchReader {

    /** Body keys whose values name the object a create makes (GNS3 takes client-chosen ids). */
    static final List<String> ID_FIELDS = List.of("node_id", "link_id", "drawing_id");

    private BatchReader() {
    }

    /**
     * One operation as sent.
     *
     * @param body      the body's bytes, or null when there is none (absent or JSON null)
     * @param bodyShape null for an object or no body, else what the body was instead ("an array", "a string"...)
     * @param ids       the scalar values of the body's {@link #ID_FIELDS}, by field, or null when none
     * @param linkNodes the {@code node_id}s of the body's {@code nodes} (a link's ends), possibly empty
     */
    record Operation(String id, String method, String path, byte[] body, String bodyShape,
                     Map<String, String> ids, List<String> linkNodes) {

        String idOf(String field) {
            return ids == null ? null : ids.get(field);
        }
    }

    /**
     * @param operations null when the batch has none or {@code operations} was not an array; an entry is null for
     *                   an operation that was JSON null or not an object
     * @param violations what was of the wrong shape, with its path
     */
    record Read(List<Operation> operations, Integer concurrency, List<String> fields,
                List<Problem.Violation> violations) {
    }

    static Read read(JsonFactory factory, byte[] json) throws IOException {
        List<Problem.Violation> violations = new ArrayList<>();
        List<Operation> operations = null;
        Integer concurrency = null;
        List<String> fields = null;
        try (JsonParser in = factory.createParser(json)) {
            JsonToken first = in.nextToken();
            if (first == null || first == JsonToken.VALUE_NULL) {
                return new Read(null, null, null, violations);
            }
            if (first != JsonToken.START_OBJECT) {
                violations.add(new Problem.Violation("body", "must be a JSON object"));
                in.skipChildren();
                return new Read(null, null, null, violations);
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String name = in.currentName();
                JsonToken value = in.nextToken();
                switch (name) {
                    case "operations" -> {
                        if (value == JsonToken.START_ARRAY) {
                            operations = operations(in, json, violations);
                        } else if (value != JsonToken.VALUE_NULL) {
                            violations.add(new Problem.Violation("operations", "must be an array"));
                            in.skipChildren();
                        }
                    }
                    case "concurrency" -> {
                        if (value == JsonToken.VALUE_NUMBER_INT && in.getNumberType() == JsonParser.NumberType.INT) {
                            concurrency = in.getIntValue();
                        } else if (value != JsonToken.VALUE_NULL) {
                            violations.add(new Problem.Violation("concurrency", "must be an integer"));
                            in.skipChildren();
                        }
                    }
                    case "fields" -> {
                        if (value == JsonToken.START_ARRAY) {
                            fields = new ArrayList<>();
                            while (in.nextToken() != JsonToken.END_ARRAY) {
                                fields.add(in.currentToken().isScalarValue() ? in.getValueAsString() : null);
                                in.skipChildren();
                            }
                        } else if (value != JsonToken.VALUE_NULL) {
                            violations.add(new Problem.Violation("fields", "must be an array of key names"));
                            in.skipChildren();
                        }
                    }
                    default -> in.skipChildren();
                }
            }
        }
        return new Read(operations, concurrency, fields, violations);
    }

    private static List<Operation> operations(JsonParser in, byte[] json, List<Problem.Violation> violations)
            throws IOException {
        List<Operation> operations = new ArrayList<>();
        for (JsonToken token = in.nextToken(); token != JsonToken.END_ARRAY; token = in.nextToken()) {
            if (token == JsonToken.START_OBJECT) {
                operations.add(operation(in, json, operations.size(), violations));
            } else {
                if (token != JsonToken.VALUE_NULL) {
                    violations.add(new Problem.Violation("operations[" + operations.size() + "]",
                            "must be an object"));
                    in.skipChildren();
                }
                operations.add(null);
            }
        }
        return operations;
    }

    /** Reads one operation object, the parser on its START_OBJECT. */
    private static Operation operation(JsonParser in, byte[] json, int index, List<Problem.Violation> violations)
            throws IOException {
        String id = null;
        String method = null;
        String path = null;
        byte[] body = null;
        String bodyShape = null;
        Map<String, String> ids = null;
        List<String> linkNodes = List.of();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            JsonToken value = in.nextToken();
            switch (name) {
                case "id", "method", "path" -> {
                    String text = value.isScalarValue() && value != JsonToken.VALUE_NULL ? in.getValueAsString() : null;
                    if (!value.isScalarValue()) {
                        violations.add(new Problem.Violation("operations[" + index + "]." + name, "must be a string"));
                        in.skipChildren();
                    }
                    switch (name) {
                        case "id" -> id = text;
                        case "method" -> method = text;
                        default -> path = text;
                    }
                }
                case "body" -> {
                    if (value == JsonToken.START_OBJECT) {
                        int start = (int) in.currentTokenLocation().getByteOffset();
                        ids = new HashMap<>(4);
                        linkNodes = bodyIds(in, ids, "operations[" + index + "].body", violations);
                        int end = (int) in.currentTokenLocation().getByteOffset() + 1;
                        body = Arrays.copyOfRange(json, start, end);
                        if (ids.isEmpty()) {
                            ids = null;
                        }
                    } else if (value != JsonToken.VALUE_NULL) {
                        bodyShape = value == JsonToken.START_ARRAY ? "an array" : "a " + value.name()
                                .replace("VALUE_", "").replace("NUMBER_", "").toLowerCase(Locale.ROOT);
                        in.skipChildren();
                    }
                }
                default -> in.skipChildren();
            }
        }
        return new Operation(id, method, path, body, bodyShape, ids, linkNodes);
    }

    /**
     * Walks a body object to its END_OBJECT, keeping the scalar values of its top-level id fields and the
     * {@code node_id}s of its {@code nodes} array, and checking every field GNS3 knows on the way
     * ({@link Gns3Bodies}: types, ranges, names), so a call GNS3 could not take fails the batch before any runs.
     */
    private static List<String> bodyIds(JsonParser in, Map<String, String> ids, String path,
                                        List<Problem.Violation> violations) throws IOException {
        List<String> linkNodes = List.of();
        while (in.nextToken() == JsonToken.FIELD_NAME) {
            String name = in.currentName();
            JsonToken value = in.nextToken();
            if (value.isScalarValue() && value != JsonToken.VALUE_NULL && ID_FIELDS.contains(name)) {
                ids.put(name, in.getValueAsString());
                Gns3Bodies.check(name, in, path, violations);
            } else if (value == JsonToken.START_ARRAY && name.equals("nodes")) {
                linkNodes = new ArrayList<>(2);
                int i = 0;
                for (JsonToken end = in.nextToken(); end != JsonToken.END_ARRAY; end = in.nextToken(), i++) {
                    String at = path + ".nodes[" + i + "]";
                    if (end != JsonToken.START_OBJECT) {
                        violations.add(new Problem.Violation(at, "must be a JSON object"));
                        in.skipChildren();
                        continue;
                    }
                    while (in.nextToken() == JsonToken.FIELD_NAME) {
                        String field = in.currentName();
                        JsonToken token = in.nextToken();
                        if (field.equals("node_id") && token.isScalarValue() && token != JsonToken.VALUE_NULL) {
                            linkNodes.add(in.getValueAsString());
                        }
                        Gns3Bodies.check(field, in, at, violations);
                    }
                }
            } else {
                Gns3Bodies.check(name, in, path, violations);
            }
        }
        return linkNodes;
    }
}
