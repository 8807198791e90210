package dev.labfleet.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.testing.EventContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every event type the code can emit is a message of docs/asyncapi.yaml, and every message has its schema: the types
 * are EventTypes' constants, every {@code "lab.x.y"} / {@code "gns3.x.y"} string in the main sources of every module
 * that deal in events (they name CloudEvent, Outbox, EventTypes or an {@code ...Events} publisher),
 * and {@code gns3.<action>} for every GNS3 notification action the bridge can relay (those the simulator sends and
 * the recorded GNS3 transcripts show).
 */
class EventCatalogueTest {

    /** A CloudEvent type written as a string literal. */
    private static final Pattern TYPE_LITERAL = Pattern.compile("\"((?:lab|gns3)\\.[a-z0-9_]+\\.[a-z0-9_-]+)\"");
    /** A GNS3 notification action written as a literal in the simulator. */
    private static final Pattern GNS3_ACTION_LITERAL = Pattern.compile(
            "\"(ping|[a-z]+\\.(?:created|updated|deleted|opened|closed|restored|info|warning|error))\"");
    /** A notification's action in a recorded transcript (the JSON may be escaped inside a string). */
    private static final Pattern TRANSCRIPT_ACTION = Pattern.compile("\\\\?\"action\\\\?\":\\s*\\\\?\"([a-z_.]+)");

    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("docs/asyncapi.yaml")).as("the repository root, from common-api's directory").exists();
        return root;
    }

    /** Event type -> where it was found. */
    static Map<String, String> emittable() throws IOException {
        Map<String, String> types = new TreeMap<>();
        for (Field f : EventTypes.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    String value = (String) f.get(null);
                    if (!value.endsWith(".")) {
                        types.putIfAbsent(value, "EventTypes." + f.getName());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        Path root = root();
        try (Stream<Path> files = Files.walk(root, 20)) {
            for (Path file : (Iterable<Path>) files.filter(EventCatalogueTest::mainJava)::iterator) {
                String text = Files.readString(file);
                Matcher m = TYPE_LITERAL.matcher(producer(text) ? text : "");
                while (m.find()) {
                    types.putIfAbsent(m.group(1), root.relativize(file).toString());
                }
                if (root.relativize(file).startsWith("gns3-simulator")) {
                    Matcher a = GNS3_ACTION_LITERAL.matcher(text);
                    while (a.find()) {
                        types.putIfAbsent(EventTypes.gns3(a.group(1)), "bridged from " + root.relativize(file));
                    }
                }
            }
        }
        Path transcripts = root.resolve("gns3-simulator/src/test/resources/gns3-2.2");
        if (Files.isDirectory(transcripts)) {
            try (Stream<Path> files = Files.list(transcripts)) {
                for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json"))::iterator) {
                    Matcher a = TRANSCRIPT_ACTION.matcher(Files.readString(file));
                    while (a.find()) {
                        types.putIfAbsent(EventTypes.gns3(a.group(1)), "bridged, recorded in " + root.relativize(file));
                    }
                }
            }
        }
        return types;
    }

    /** A class that publishes events, such as {@code AutomationEvents} or {@code TopologyEvents}. */
    private static final Pattern EVENTS_CLASS = Pattern.compile("\\b[A-Z][A-Za-z0-9]*Events\\b");

    /**
     * Code that builds or sends events: it names CloudEvent, Outbox, EventTypes or a publisher class ({@code
     * AutomationEvents}...). Metric names such as {@code "gns3.api.requests"} elsewhere look alike.
     */
    static boolean producer(String source) {
        return source.contains("CloudEvent") || source.contains("Outbox") || source.contains("EventTypes")
                || EVENTS_CLASS.matcher(source).find();
    }

    private static boolean mainJava(Path p) {
        String s = p.toString().replace('\\', '/');
        return s.endsWith(".java") && s.contains("/src/main/java/") && !s.contains("/target/") && !s.contains("/.git/");
    }

    @Test
    void everyTypeTheCodeCanEmitIsDocumented() throws IOException {
        Map<String, String> types = emittable();
        assertThat(types).as("the scan finds the producers' types").containsKeys(EventTypes.LAB_PROJECT_CREATED,
                EventTypes.LAB_TOPOLOGY_APPLIED, EventTypes.GNS3_PROJECT_RESYNCED, "gns3.node.updated", "gns3.ping");
        Set<String> documented = EventContract.topics().keySet();
        Map<String, String> missing = new TreeMap<>(types);
        missing.keySet().removeAll(documented);
        assertThat(missing).as("event types the code can emit (type -> where found) that docs/asyncapi.yaml lacks: add a"
                + " schema under docs/schemas/events and a message (docs/events.md, 'Adding an event type')").isEmpty();
    }

    @Test
    void everyMessageNamesItsCurrentSchemaAndItsSchemaFileExists() {
        JsonNode doc = EventContract.asyncApi();
        Set<String> problems = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("messages").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getValue().path("name").asText();
            if (!type.equals(e.getKey())) {
                problems.add(e.getKey() + ": name is " + type);
            }
            JsonNode own = e.getValue().path("payload").path("allOf").path(1).path("properties");
            String envelope = e.getValue().path("payload").path("allOf").path(0).path("$ref").asText();
            if (!envelope.equals("./schemas/events/cloudevent.v1.json")) {
                problems.add(type + ": payload does not start with the envelope schema");
            }
            if (!own.path("type").path("const").asText().equals(type)) {
                problems.add(type + ": payload's type const is " + own.path("type").path("const"));
            }
            if (!own.path("dataschema").path("const").asText().equals(EventSchemas.dataschema(type).toString())) {
                problems.add(type + ": dataschema const is " + own.path("dataschema").path("const")
                        + ", producers write " + EventSchemas.dataschema(type));
            }
            String ref = own.path("data").path("$ref").asText();
            String current = "./schemas/events/" + type + ".v" + EventSchemas.version(type) + ".json";
            if (!ref.equals(current)) {
                problems.add(type + ": data refers to " + ref + ", not " + current);
            }
            if (EventContract.schema(EventSchemas.resource(EventSchemas.dataschema(type))).isEmpty()) {
                problems.add(type + ": no schema file " + current);
            }
            if (e.getValue().path("bindings").path("kafka").path("key").isMissingNode()) {
                problems.add(type + ": no Kafka key binding");
            }
        }
        assertThat(problems).isEmpty();
        assertThat(EventContract.topics()).hasSizeGreaterThan(40);
    }

    @Test
    void everySchemaFileIsAMessage() throws IOException {
        Set<String> documented = EventContract.topics().keySet();
        Set<String> orphans = new TreeSet<>();
        try (Stream<Path> files = Files.list(root().resolve("docs/schemas/events"))) {
            files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("cloudevent."))
                    .map(n -> n.replaceFirst("\\.v[0-9]+\\.json$", ""))
                    .filter(t -> !documented.contains(t)).forEach(orphans::add);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        assertThat(orphans).as("schema files without a message in docs/asyncapi.yaml").isEmpty();
    }

    @Test
    void aClassThatCallsAPublisherIsAProducer() {
        assertThat(producer("return events.publish(run.projectId, \"lab.automation.workflow-finished\", id, data); // AutomationEvents events"))
                .isTrue();
        assertThat(producer("Counter.builder(\"gns3.api.requests\")")).isFalse();
    }

    @Test
    void theScanSeesATypeStringInAProducer() {
        Matcher m = TYPE_LITERAL.matcher("events.publish(\"lab.automation.execution-started\", x); \"labfleet.a.b\"");
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("lab.automation.execution-started");
        assertThat(m.find()).isFalse();
    }
}
