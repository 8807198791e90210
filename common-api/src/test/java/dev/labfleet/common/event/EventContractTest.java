package dev.labfleet.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.testing.EventContract;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract check itself: the document's examples keep it, and what breaks it is caught. */
class EventContractTest {

    private static final ObjectMapper JSON = CloudEventCodec.mapper();
    private static final String PROJECT = UUID.randomUUID().toString();

    /** type -> (topic, example event) for every message of the document. */
    private static List<Object[]> examples() {
        JsonNode doc = EventContract.asyncApi();
        Map<String, String> topics = EventContract.topics();
        List<Object[]> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.path("components").path("messages").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode example = e.getValue().path("examples").path(0).path("payload");
            assertThat(example.isObject()).as(e.getKey() + " has an example").isTrue();
            out.add(new Object[]{e.getKey(), topics.get(e.getKey()), example});
        }
        return out;
    }

    private static byte[] bytes(JsonNode node) throws Exception {
        return JSON.writeValueAsBytes(node);
    }

    /** Every example of one message (a message may show several cases, lab.project.moved a move and a failover). */
    private static List<JsonNode> allExamples(String type) {
        List<JsonNode> out = new ArrayList<>();
        EventContract.asyncApi().path("components").path("messages").path(type).path("examples")
                .forEach(example -> out.add(example.path("payload")));
        return out;
    }

    @Test
    void everyExampleOfTheDocumentKeepsTheContract() throws Exception {
        List<Object[]> examples = examples();
        assertThat(examples).hasSizeGreaterThan(40);
        for (Object[] e : examples) {
            for (JsonNode example : allExamples((String) e[0])) {
                assertThat(EventContract.violations((String) e[1], PROJECT, bytes(example))).as((String) e[0]).isEmpty();
            }
        }
    }

    @Test
    void aMovedEventSaysWhatMovedTheLabWithTheIdsThatGoWithIt() throws Exception {
        List<JsonNode> moved = allExamples("lab.project.moved");
        JsonNode move = moved.stream().filter(e -> !e.path("data").path("reason").asText().equals("failover"))
                .findFirst().orElseThrow();
        JsonNode failover = moved.stream().filter(e -> e.path("data").path("reason").asText().equals("failover"))
                .findFirst().orElseThrow();
        for (String field : List.of("incidentId", "backupId", "backupTakenAt", "lost")) {
            assertThat(EventContract.violations("lab.projects", PROJECT, EventContract.without(bytes(failover), field)))
                    .as("a failover without " + field).anyMatch(v -> v.startsWith("data:") && v.contains(field));
        }
        assertThat(EventContract.violations("lab.projects", PROJECT, EventContract.without(bytes(move), "moveId")))
                .as("a move without moveId").anyMatch(v -> v.startsWith("data:") && v.contains("moveId"));
        ObjectNode unknownReason = move.deepCopy();
        ((ObjectNode) unknownReason.path("data")).put("reason", "teleport");
        assertThat(EventContract.violations("lab.projects", PROJECT, bytes(unknownReason)))
                .as("an unknown reason").anyMatch(v -> v.startsWith("data:") && v.contains("reason"));
    }

    @Test
    void aRequiredDataFieldMissingIsCaughtForEveryType() throws Exception {
        int checked = 0;
        for (Object[] e : examples()) {
            String type = (String) e[0];
            JsonNode schema = EventContract.asyncApi(); // keeps the loop honest: required fields come from the schema file
            JsonNode dataSchema = JSON.readTree(getClass().getClassLoader().getResourceAsStream(
                    EventSchemas.resource(EventSchemas.dataschema(type))));
            for (JsonNode field : dataSchema.path("required")) {
                byte[] broken = EventContract.without(bytes((JsonNode) e[2]), field.asText());
                assertThat(EventContract.violations((String) e[1], PROJECT, broken))
                        .as(type + " without " + field.asText()).anyMatch(v -> v.startsWith("data:") && v.contains(field.asText()));
                checked++;
            }
            assertThat(schema).isNotNull();
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    void theEnvelopesRequiredAttributesAreChecked() throws Exception {
        ObjectNode event = (ObjectNode) examples().stream().filter(e -> e[0].equals("lab.project.created")).findFirst()
                .orElseThrow()[2];
        for (String attribute : List.of("id", "source", "type", "subject", "time", "dataschema", "specversion", "data")) {
            ObjectNode broken = event.deepCopy();
            broken.remove(attribute);
            assertThat(EventContract.violations("lab.projects", PROJECT, bytes(broken))).as("without " + attribute)
                    .anyMatch(v -> v.startsWith("envelope:") && v.contains(attribute));
        }
        ObjectNode badTime = event.deepCopy().put("time", "yesterday");
        assertThat(EventContract.violations("lab.projects", PROJECT, bytes(badTime))).anyMatch(v -> v.contains("time"));
        ObjectNode retyped = event.deepCopy();
        ((ObjectNode) retyped.path("data")).put("autoStart", "yes");
        assertThat(EventContract.violations("lab.projects", PROJECT, bytes(retyped))).anyMatch(v -> v.contains("autoStart"));
    }

    @Test
    void wrongTopicKeyTypeOrSchemaVersionIsCaught() throws Exception {
        ObjectNode event = (ObjectNode) examples().stream().filter(e -> e[0].equals("lab.project.created")).findFirst()
                .orElseThrow()[2];
        assertThat(EventContract.violations("lab.topology", PROJECT, bytes(event))).anyMatch(v -> v.contains("documented on lab.projects"));
        assertThat(EventContract.violations("lab.projects", "not-a-uuid", bytes(event))).anyMatch(v -> v.contains("key"));
        assertThat(EventContract.violations("lab.projects", null, bytes(event))).anyMatch(v -> v.contains("no key"));
        ObjectNode unknown = event.deepCopy().put("type", "lab.project.teleported")
                .put("dataschema", "urn:labfleet:schema:lab.project.teleported:1");
        assertThat(EventContract.violations("lab.projects", PROJECT, bytes(unknown)))
                .anyMatch(v -> v.contains("not a message")).anyMatch(v -> v.contains("no schema file"));
        ObjectNode future = event.deepCopy().put("dataschema", "urn:labfleet:schema:lab.project.created:2");
        assertThat(EventContract.violations("lab.projects", PROJECT, bytes(future))).anyMatch(v -> v.contains("current schema"));
        assertThatThrownBy(() -> EventContract.assertValid("lab.projects", PROJECT, "[]".getBytes()))
                .isInstanceOf(AssertionError.class).hasMessageContaining("not a JSON object");
    }

    @Test
    void eventsBuiltWithOfNameTheirSchema() throws Exception {
        JsonNode data = examples().stream().filter(e -> e[0].equals("lab.project.snapshot-deleted")).findFirst()
                .map(e -> ((JsonNode) e[2]).path("data")).orElseThrow();
        CloudEvent event = CloudEvent.of(URI.create("/labfleet/project-service"), EventTypes.LAB_SNAPSHOT_DELETED, PROJECT, data);
        assertThat(event.dataschema()).hasToString("urn:labfleet:schema:lab.project.snapshot-deleted:1");
        EventContract.assertValid("lab.projects", PROJECT, event);
        CloudEvent noSubject = CloudEvent.of(URI.create("/labfleet/project-service"), EventTypes.LAB_SNAPSHOT_DELETED, null, data);
        assertThat(EventContract.violations("lab.projects", PROJECT, CloudEventCodec.toBytes(noSubject)))
                .anyMatch(v -> v.contains("subject"));
    }
}
