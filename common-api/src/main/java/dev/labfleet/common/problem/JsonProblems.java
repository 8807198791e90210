package dev.labfleet.common.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request body that could not be read, in the API's words: the JSON path of the field, what was expected there
 * (an object, a list, a string, an integer from ... to ...) and what was found, or for text that is not JSON (or
 * YAML) at all, the line and column and what the parser missed. Never a Java type, an exception name or the
 * parser's "Source: REDACTED" location; a value echoed back is quoted, escaped and shortened.
 */
public final class JsonProblems {

    private static final Pattern START_MARKER = Pattern.compile(
            "\\s*\\(start marker at \\[Source:.*?; line: (\\d+), column: (\\d+)]\\)", Pattern.DOTALL);
    private static final Pattern SOURCE = Pattern.compile("\\s*(at )?\\[Source:.*?(; line: \\d+, column: \\d+)?]",
            Pattern.DOTALL);
    private static final Pattern JAVA_TYPE = Pattern.compile("`[\\w.$]+(<[^`]*>)?`");

    private JsonProblems() {
    }

    /**
     * The problem for a body (or document) that could not be read.
     *
     * @param format "JSON" or "YAML", for the wording of syntax errors
     */
    public static Problem of(JsonProcessingException e, String format) {
        String field = e instanceof JsonMappingException m ? FieldPaths.of(m) : "";
        InputCoercionException coercion = coercion(e);
        StreamReadException syntaxError = coercion == null ? syntax(e) : null;
        JsonLocation at = e.getLocation();
        String detail;
        boolean syntax = false;
        if (e instanceof MismatchedInputException t && t.getOriginalMessage() != null
                && t.getOriginalMessage().startsWith("Trailing token")) {
            // FAIL_ON_TRAILING_TOKENS: a second value after the body's one ({"a":1}{"b":2})
            syntax = true;
            detail = "more than one JSON value; the body must hold exactly one";
        } else if (syntaxError != null) {
            // text that is no JSON at all, even when found while reading a field: where, and what the parser missed
            syntax = true;
            at = syntaxError.getLocation();
            detail = clean(syntaxError.getOriginalMessage());
        } else if (e instanceof UnrecognizedPropertyException u) {
            detail = "unknown field " + quote(u.getPropertyName(), '\'');
            at = null; // reported where its object ends, not where the field is: the path says more
        } else if (coercion != null) {
            detail = "expected " + expected(coercion.getTargetType()) + ", found a number out of that range";
        } else if (e instanceof InvalidFormatException f) {
            detail = "expected " + expected(f.getTargetType()) + ", found " + quote(String.valueOf(f.getValue()));
        } else if (e instanceof ValueInstantiationException) {
            detail = "is not a valid value";
        } else if (e instanceof MismatchedInputException m) {
            detail = "expected " + expected(m.getTargetType()) + found(m);
        } else if (e instanceof JsonMappingException) {
            detail = "cannot be read";
        } else {
            syntax = true;
            detail = clean(e.getOriginalMessage());
        }
        Problem problem;
        String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        if (syntax) {
            problem = Problem.of(ProblemTypes.MALFORMED, "malformed " + format + (where.isEmpty() ? "" : " at " + where)
                    + ": " + detail);
        } else if (field.isEmpty()) {
            problem = Problem.of(ProblemTypes.MALFORMED, "the body: " + detail + (where.isEmpty() ? ""
                    : " (" + where + ")"));
        } else {
            String message = detail + (where.isEmpty() ? "" : " (" + where + ")");
            problem = Problem.of(ProblemTypes.VALIDATION, field + ": " + message)
                    .withViolations(List.of(new Problem.Violation(field, message)));
        }
        if (!where.isEmpty()) {
            problem = problem.with("line", at.getLineNr()).with("column", at.getColumnNr());
        }
        return problem;
    }

    private static StreamReadException syntax(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof StreamReadException r) {
                return r;
            }
        }
        return null;
    }

    private static InputCoercionException coercion(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof InputCoercionException c) {
                return c;
            }
        }
        return null;
    }

    /** What a value of a type is called in the API. */
    static String expected(Class<?> type) {
        if (type == null || type == Object.class || JsonNode.class.isAssignableFrom(type)) {
            return "a JSON value";
        }
        if (type.isEnum()) {
            StringBuilder values = new StringBuilder("one of ");
            Object[] constants = type.getEnumConstants();
            for (int i = 0; i < constants.length; i++) {
                values.append(i == 0 ? "" : ", ").append(constants[i]);
            }
            return values.toString();
        }
        if (type == Integer.class || type == int.class) {
            return "an integer from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (type == Long.class || type == long.class) {
            return "an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        }
        if (type == Short.class || type == short.class || type == Byte.class || type == byte.class
                || type == java.math.BigInteger.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type == Character.class || type == char.class || CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == java.util.UUID.class) {
            return "a UUID";
        }
        if (java.time.temporal.Temporal.class.isAssignableFrom(type)) {
            return "a date and time (ISO 8601)";
        }
        if (type == java.time.Duration.class) {
            return "a duration (ISO 8601)";
        }
        if (type == java.net.URI.class || type == java.net.URL.class) {
            return "a URI";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "an object";
    }

    private static final Pattern TOKEN = Pattern.compile("token `JsonToken\\.(\\w+)`");

    /** What was found instead, from the token Jackson names in its message (the parser has moved on by now). */
    private static String found(MismatchedInputException e) {
        String message = e.getOriginalMessage();
        Matcher token = message == null ? null : TOKEN.matcher(message);
        String name = token != null && token.find() ? token.group(1) : "";
        if (name.isEmpty() && message != null) {
            name = message.contains("from String value") ? "VALUE_STRING"
                    : message.contains("from Object value") ? "START_OBJECT"
                    : message.contains("from Array value") ? "START_ARRAY"
                    : message.contains("from Integer value") || message.contains("from Floating-point value")
                    ? "VALUE_NUMBER_INT" : message.contains("from Boolean value") ? "VALUE_TRUE" : "";
        }
        return switch (name) {
            case "START_OBJECT", "FIELD_NAME" -> ", found an object";
            case "START_ARRAY" -> ", found a list";
            case "VALUE_STRING" -> ", found a string";
            case "VALUE_NUMBER_INT", "VALUE_NUMBER_FLOAT" -> ", found a number";
            case "VALUE_TRUE", "VALUE_FALSE" -> ", found a boolean";
            case "VALUE_NULL" -> ", found null";
            default -> "";
        };
    }

    /** The parser's message without its source location, Java types or anything past its first line. */
    static String clean(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        Matcher start = START_MARKER.matcher(message);
        String out = start.replaceAll(" (the value opened at line $1, column $2)");
        out = SOURCE.matcher(out).replaceAll("");
        out = JAVA_TYPE.matcher(out).replaceAll("a value");
        int newline = out.indexOf('\n');
        out = (newline < 0 ? out : out.substring(0, newline)).trim();
        return out.isEmpty() ? "unreadable" : out;
    }

    /**
     * A client's value as it may appear in a detail: in double quotes, with quotes, backslashes, control and
     * non-ASCII characters escaped ({@code \u0000}), and cut after 60 characters.
     */
    public static String quote(String value) {
        return quote(value, '"');
    }

    /** {@link #quote(String)} with another quote character, e.g. {@code '} for field names. */
    public static String quote(String value, char mark) {
        if (value == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder().append(mark);
        int shown = Math.min(value.length(), 60);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (c == mark || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (shown < value.length()) {
            out.append("...");
        }
        return out.append(mark).toString();
    }
}
