package dev.labfleet.common.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventSchemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds events to the contract consumers read ({@code docs/asyncapi.yaml} and {@code docs/schemas/events}, as the
 * common-api jar carries them under {@code META-INF/resources/asyncapi/}): the record's value is a structured-mode
 * CloudEvent that validates against the envelope schema, its type is a message of the topic it was read from, its
 * {@code dataschema} names that type's schema (current version), its {@code data} validates against that schema,
 * and the record has a key (a UUID on {@code lab.*} topics but {@code lab.audit}).
 *
 * <p>{@link TopicReader} checks every event it reads with it, so any test that reads Kafka through it holds the
 * producer to the document; tests that read Kafka otherwise call {@link #assertValid} themselves.
 */
public final class EventContract {

    private static final String BASE = "META-INF/resources/asyncapi/";
    private static final ObjectMapper JSON = CloudEventCodec.mapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<String, Optional<JsonSchema>> SCHEMAS = new ConcurrentHashMap<>();
    private static volatile Map<String, String> topicOfType;

    private EventContract() {
    }

    /** Fails with every violation found, and the event, when the record breaks the contract. */
    public static void assertValid(String topic, String key, byte[] value) {
        List<String> violations = violations(topic, key, value);
        if (!violations.isEmpty()) {
            String json = value == null ? "null" : new String(value, StandardCharsets.UTF_8);
            throw new AssertionError("event on " + topic + " (key " + key + ") breaks the contract in docs/asyncapi.yaml: "
                    + String.join("; ", violations) + "\n  event: " + (json.length() > 2000 ? json.substring(0, 2000) + "..." : json));
        }
    }

    /** As {@link #assertValid(String, String, byte[])}, for an event as a producer built it. */
    public static void assertValid(String topic, String key, CloudEvent event) {
        assertValid(topic, key, CloudEventCodec.toBytes(event));
    }

    /** What is wrong with one record, empty when it keeps the contract. */
    public static List<String> violations(String topic, String key, byte[] value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            out.add("the record has no value");
            return out;
        }
        JsonNode event;
        try {
            event = JSON.readTree(value);
        } catch (IOException e) {
            out.add("the value is not JSON: " + e.getMessage());
            return out;
        }
        if (event == null || !event.isObject()) {
            out.add("the value is not a JSON object");
            return out;
        }
        schema(EventSchemas.ENVELOPE_RESOURCE).orElseThrow(() -> new IllegalStateException(
                        EventSchemas.ENVELOPE_RESOURCE + " is not on the classpath"))
                .validate(event).forEach(m -> out.add("envelope: " + m.getMessage()));
        if (key == null || key.isEmpty()) {
            out.add("the record has no key");
        } else if (topic.startsWith("lab.") && !topic.equals("lab.audit") && !isUuid(key)) {
            // lab.audit is keyed by the lab a request names, or by the client address when it names none
            out.add("the key '" + key + "' is not a project id (UUID)");
        }
        String type = event.path("type").asText(null);
        if (type == null) {
            return out;
        }
        String documentedTopic = topics().get(type);
        if (documentedTopic == null) {
            out.add("type " + type + " is not a message of docs/asyncapi.yaml (add its schema under docs/schemas/events"
                    + " and its message; docs/events.md says how)");
        } else if (!documentedTopic.equals(topic)) {
            out.add("type " + type + " is documented on " + documentedTopic + ", not " + topic);
        }
        String dataschema = event.path("dataschema").asText(null);
        if (dataschema == null) {
            return out;
        }
        String expected = EventSchemas.dataschema(type).toString();
        if (!dataschema.equals(expected)) {
            out.add("dataschema is " + dataschema + ", the current schema of " + type + " is " + expected);
        }
        String resource;
        try {
            resource = EventSchemas.resource(URI.create(dataschema));
        } catch (IllegalArgumentException e) {
            resource = null;
        }
        Optional<JsonSchema> data = resource == null ? Optional.empty() : schema(resource);
        if (data.isEmpty()) {
            out.add("no schema file for dataschema " + dataschema + (resource == null ? "" : " (" + resource + ")"));
            return out;
        }
        data.get().validate(event.path("data")).forEach(m -> out.add("data: " + m.getMessage()));
        return out;
    }

    /** The schema at a classpath resource, loaded once; empty when there is no such resource. */
    public static Optional<JsonSchema> schema(String resource) {
        return SCHEMAS.computeIfAbsent(resource, r -> {
            try (InputStream in = EventContract.class.getClassLoader().getResourceAsStream(r)) {
                if (in == null) {
                    return Optional.empty();
                }
                return Optional.of(FACTORY.getSchema(JSON.readTree(in), CONFIG));
            } catch (IOException e) {
                throw new UncheckedIOException(r, e);
            }
        });
    }

    /** The AsyncAPI document as the jar carries it. */
    public static JsonNode asyncApi() {
        try (InputStream in = EventContract.class.getClassLoader().getResourceAsStream(BASE + "asyncapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException(BASE + "asyncapi.yaml is not on the classpath (common-api's jar has it)");
            }
            return new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every message of the document: event type -> the address (topic) of its channel. */
    public static Map<String, String> topics() {
        Map<String, String> known = topicOfType;
        if (known == null) {
            known = topics(asyncApi());
            topicOfType = known;
        }
        return known;
    }

    /** Event type -> topic, from a parsed AsyncAPI document: the {@code name} of each message of each channel. */
    public static Map<String, String> topics(JsonNode doc) {
        Map<String, String> out = new HashMap<>();
        for (Iterator<JsonNode> channels = doc.path("channels").elements(); channels.hasNext(); ) {
            JsonNode channel = channels.next();
            String address = channel.path("address").asText();
            for (Iterator<JsonNode> refs = channel.path("messages").elements(); refs.hasNext(); ) {
                JsonNode message = resolve(doc, refs.next());
                out.put(message.path("name").asText(), address);
            }
        }
        return out;
    }

    /** Follows a local {@code $ref} ({@code #/components/messages/x}). */
    static JsonNode resolve(JsonNode doc, JsonNode node) {
        String ref = node.path("$ref").asText(null);
        if (ref == null || !ref.startsWith("#/")) {
            return node;
        }
        JsonNode target = doc;
        for (String part : ref.substring(2).split("/")) {
            target = target.path(part.replace("~1", "/").replace("~0", "~"));
        }
        return target;
    }

    /** A copy of an event's JSON without {@code data.<field>}, for tests showing that a missing field is caught. */
    public static byte[] without(byte[] value, String dataField) {
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(value);
            ((ObjectNode) event.path("data")).remove(dataField);
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isUuid(String s) {
        try {
            return UUID.fromString(s).toString().equalsIgnoreCase(s);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
