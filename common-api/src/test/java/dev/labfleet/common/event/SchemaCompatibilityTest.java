package dev.labfleet.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compatibility rule of docs/events.md, checked against the previous release's schemas (a copy kept in
 * src/test/resources/event-schemas-baseline): within a version, a schema file is never removed, and a consumer's
 * view never gets weaker: every property stays with the same type and format, required properties stay required,
 * enums only grow, {@code additionalProperties} is never closed. New optional (or required) properties may be added.
 */
class SchemaCompatibilityTest {

    private static final ObjectMapper JSON = CloudEventCodec.mapper();
    private static final Path BASELINE = Path.of("src/test/resources/event-schemas-baseline");

    @Test
    void everySchemaOfThePreviousReleaseIsKeptCompatibly() throws IOException {
        Path current = EventCatalogueTest.root().resolve("docs/schemas/events");
        List<String> problems = new ArrayList<>();
        int compared = 0;
        try (Stream<Path> files = Files.list(BASELINE)) {
            for (Path old : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json")).sorted()::iterator) {
                String name = old.getFileName().toString();
                Path now = current.resolve(name);
                if (!Files.exists(now)) {
                    problems.add(name + ": removed (a version of a schema stays as long as the release that wrote it"
                            + " may have events in Kafka; a breaking change is a new version file)");
                    continue;
                }
                compare(name, JSON.readTree(old.toFile()), JSON.readTree(now.toFile()), problems);
                compared++;
            }
        }
        assertThat(compared).as("baseline schemas compared").isGreaterThan(40);
        assertThat(problems).as("breaking changes within a version; see docs/events.md 'Compatibility'").isEmpty();
    }

    @Test
    void theRuleCatchesRemovedRetypedAndNoLongerRequiredFields() throws IOException {
        JsonNode before = JSON.readTree("""
                {"type":"object","required":["a","b"],"properties":{"a":{"type":"string"},"b":{"type":"integer"},
                 "c":{"type":"string","enum":["x","y"]},"d":{"type":"array","items":{"type":"object","properties":{"e":{"type":"string","format":"uuid"}}}}}}""");
        List<String> none = new ArrayList<>();
        compare("s", before, JSON.readTree("""
                {"type":"object","required":["a","b","f"],"properties":{"a":{"type":"string"},"b":{"type":"integer"},
                 "c":{"type":"string","enum":["x","y","z"]},"d":{"type":"array","items":{"type":"object","properties":{"e":{"type":"string","format":"uuid"}}}},
                 "f":{"type":"boolean"}}}"""), none);
        assertThat(none).as("adding fields and enum values is compatible").isEmpty();

        List<String> problems = new ArrayList<>();
        compare("s", before, JSON.readTree("""
                {"type":"object","required":["a"],"properties":{"a":{"type":"integer"},
                 "c":{"type":"string","enum":["x"]},"d":{"type":"array","items":{"type":"object","properties":{"e":{"type":"string"}}}}},
                 "additionalProperties":false}"""), problems);
        assertThat(problems).anyMatch(p -> p.contains("/a") && p.contains("type"))
                .anyMatch(p -> p.contains("/b") && p.contains("removed"))
                .anyMatch(p -> p.contains("b") && p.contains("no longer required"))
                .anyMatch(p -> p.contains("/c") && p.contains("enum"))
                .anyMatch(p -> p.contains("/d/items/e") && p.contains("format"))
                .anyMatch(p -> p.contains("additionalProperties"));
    }

    static void compare(String path, JsonNode old, JsonNode now, List<String> problems) {
        if (!types(old).equals(types(now))) {
            problems.add(path + ": type " + types(old) + " became " + types(now));
        }
        if (!old.path("format").equals(now.path("format"))) {
            problems.add(path + ": format " + old.path("format") + " became " + now.path("format"));
        }
        if (!old.path("const").equals(now.path("const"))) {
            problems.add(path + ": const " + old.path("const") + " became " + now.path("const"));
        }
        if (!old.path("$ref").equals(now.path("$ref"))) {
            problems.add(path + ": $ref " + old.path("$ref") + " became " + now.path("$ref"));
        }
        if (old.has("enum")) {
            Set<JsonNode> values = new HashSet<>();
            now.path("enum").forEach(values::add);
            for (JsonNode v : old.path("enum")) {
                if (!values.contains(v)) {
                    problems.add(path + ": enum lost " + v);
                }
            }
        }
        Set<String> required = new TreeSet<>();
        now.path("required").forEach(r -> required.add(r.asText()));
        for (JsonNode r : old.path("required")) {
            if (!required.contains(r.asText())) {
                problems.add(path + ": " + r.asText() + " is no longer required");
            }
        }
        if (!old.path("additionalProperties").isBoolean() || old.path("additionalProperties").asBoolean()) {
            if (now.path("additionalProperties").isBoolean() && !now.path("additionalProperties").asBoolean()) {
                problems.add(path + ": additionalProperties closed");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = old.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            JsonNode kept = now.path("properties").get(p.getKey());
            if (kept == null) {
                problems.add(path + "/" + p.getKey() + ": removed");
            } else {
                compare(path + "/" + p.getKey(), p.getValue(), kept, problems);
            }
        }
        for (String nested : List.of("items", "additionalProperties")) {
            if (old.path(nested).isObject() && now.path(nested).isObject()) {
                compare(path + "/" + nested, old.path(nested), now.path(nested), problems);
            }
        }
        for (String combinator : List.of("anyOf", "oneOf", "allOf")) {
            if (old.has(combinator) && !old.path(combinator).equals(now.path(combinator))) {
                problems.add(path + ": " + combinator + " changed");
            }
        }
    }

    private static Set<String> types(JsonNode schema) {
        Set<String> out = new TreeSet<>();
        JsonNode t = schema.path("type");
        if (t.isTextual()) {
            out.add(t.asText());
        } else {
            t.forEach(v -> out.add(v.asText()));
        }
        return out;
    }
}
