package dev.labfleet.search.graphql;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.labfleet.common.event.CloudEventCodec;
import org.eclipse.microprofile.graphql.Description;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One of the entity's own fields as its owning service names it; non-text values are JSON. */
@Description("One of the entity's own fields (console, owner, severity...) as its owning service names it; "
        + "numbers, objects and lists are given as JSON text")
public record Field(String name, String value) {

    static List<Field> of(Map<String, Object> fields) {
        if (fields == null) {
            return List.of();
        }
        List<Field> out = new ArrayList<>(fields.size());
        fields.forEach((k, v) -> out.add(new Field(k, text(v))));
        return out;
    }

    private static String text(Object value) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        try {
            return CloudEventCodec.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }
}
