package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.List;
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

    static String list(List<String> values) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append('\'').append(values.get(i)).append('\'');
        }
        return out.append(']').toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull()) {
            out.append("None");
        } else if (node.isBoolean()) {
            out.append(node.asBoolean() ? "True" : "False");
        } else if (node.isNumber()) {
            out.append(node.asText());
        } else if (node.isTextual()) {
            out.append('\'').append(node.asText().replace("\\", "\\\\").replace("'", "\\'")).append('\'');
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
                out.append(first ? "" : ", ").append('\'').append(e.getKey()).append("': ");
                write(e.getValue(), out);
                first = false;
            }
            out.append('}');
        }
    }
}
