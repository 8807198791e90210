package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/** JSON written the way Python's repr() writes it, as GNS3's schema errors quote request data. */
final class PyRepr {

    private PyRepr() {
    }

    static String of(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out);
        return out.toString();
    }

    /** A value without quotes around strings (as uBridge echoes filter arguments). */
    static String plain(JsonNode node) {
        if (node.isArray()) {
            StringBuilder out = new StringBuilder();
            for (JsonNode item : node) {
                out.append(out.isEmpty() ? "" : " ").append(item.asText());
            }
            return out.toString();
        }
        return node.asText();
    }

    /** A str as repr() quotes it: single quotes unless only double quotes avoid escaping, unprintables escaped. */
    private static void string(String text, StringBuilder out) {
        char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
        out.append(quote);
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) {
                        out.append('\\').append(quote);
                    } else if (printable(c)) {
                        out.appendCodePoint(c);
                    } else if (c < 0x100) {
                        out.append(String.format("\\x%02x", c));
                    } else if (c < 0x10000) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.append(String.format("\\U%08x", c));
                    }
                }
            }
        });
        out.append(quote);
    }

    /** Python's str.isprintable() for one character: no controls, formats, separators (but space), unassigned. */
    private static boolean printable(int c) {
        return c == ' ' || switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull()) {
            out.append("None");
        } else if (node.isBoolean()) {
            out.append(node.asBoolean() ? "True" : "False");
        } else if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
            double d = node.doubleValue();
            out.append(Double.isNaN(d) ? "nan" : d > 0 ? "inf" : "-inf");
        } else if (node.isNumber()) {
            out.append(node.asText());
        } else if (node.isTextual()) {
            string(node.asText(), out);
        } else if (node.isArray()) {
            out.append('[');
            boolean first = true;
            for (JsonNode item : node) {
                out.append(first ? "" : ", ");
                write(item, out);
                first = false;
            }
            out.append(']');
        } else {
            out.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.append(first ? "" : ", ");
                string(e.getKey(), out);
                out.append(": ");
                write(e.getValue(), out);
                first = false;
            }
            out.append('}');
        }
    }
}
