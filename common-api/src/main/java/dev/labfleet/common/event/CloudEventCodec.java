package dev.labfleet.common.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.function.Predicate;

/** JSON (de)serialisation of {@link CloudEvent}s, independent of any framework's mapper configuration. */
public final class CloudEventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CloudEventCodec() {
    }

    public static byte[] toBytes(CloudEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("CloudEvent cannot be serialised: " + e.getOriginalMessage(), e);
        }
    }

    public static String toJson(CloudEvent event) {
        return new String(toBytes(event), StandardCharsets.UTF_8);
    }

    /**
     * Parses a structured-mode CloudEvent.
     *
     * @throws IllegalArgumentException when the bytes are not a valid CloudEvents 1.0 JSON document
     */
    public static CloudEvent fromBytes(byte[] json) {
        return fromBytes(json, type -> true);
    }

    /**
     * Parses a structured-mode CloudEvent, building its {@code data} only for the types {@code keepData} accepts:
     * the data of the others (when {@code type} comes before it, as this codec writes it) is skipped token by token
     * and comes out null. For consumers that act on few of a topic's event types.
     *
     * @throws IllegalArgumentException when the bytes are not a valid CloudEvents 1.0 JSON document
     */
    public static CloudEvent fromBytes(byte[] json, Predicate<String> keepData) {
        String specversion = null;
        String id = null;
        String source = null;
        String type = null;
        String subject = null;
        String time = null;
        String datacontenttype = null;
        String dataschema = null;
        JsonNode data = null;
        try (JsonParser in = MAPPER.getFactory().createParser(json)) {
            if (in.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a CloudEvent: not a JSON object");
            }
            while (in.nextToken() == JsonToken.FIELD_NAME) {
                String field = in.currentName();
                JsonToken value = in.nextToken();
                switch (field) {
                    case "specversion" -> specversion = text(in, value);
                    case "id" -> id = text(in, value);
                    case "source" -> source = text(in, value);
                    case "type" -> type = text(in, value);
                    case "subject" -> subject = text(in, value);
                    case "time" -> time = text(in, value);
                    case "datacontenttype" -> datacontenttype = text(in, value);
                    case "dataschema" -> dataschema = text(in, value);
                    case "data" -> {
                        if (type == null || keepData.test(type)) {
                            data = value == JsonToken.VALUE_NULL ? null : MAPPER.readTree(in);
                        } else {
                            in.skipChildren();
                        }
                    }
                    default -> in.skipChildren(); // extension attributes
                }
            }
            if (specversion != null && !CloudEvent.SPEC_VERSION.equals(specversion)) {
                throw new IllegalArgumentException("unsupported CloudEvents specversion: " + specversion);
            }
            return new CloudEvent(specversion, id, source == null ? null : URI.create(source), type, subject,
                    time == null ? null : OffsetDateTime.parse(time), datacontenttype,
                    dataschema == null ? null : URI.create(dataschema), data);
        } catch (IOException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) { // URI.create
            if (e.getMessage() != null && e.getMessage().startsWith("not a CloudEvent")) {
                throw e;
            }
            throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage(), e);
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("not a CloudEvent: missing " + e.getMessage(), e);
        }
    }

    private static String text(JsonParser in, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (!value.isScalarValue()) {
            throw new IllegalArgumentException("not a CloudEvent: " + in.currentName() + " is not a string");
        }
        return in.getText();
    }

    public static CloudEvent fromJson(String json) {
        return fromBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The mapper used for envelopes, for callers that build {@code data} trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

}
