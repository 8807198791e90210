package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract: every HTTP exchange recorded from a real GNS3 2.2.60 (src/test/resources/gns3-2.2, with the README
 * that describes them) is replayed against the simulator, in order, one fresh simulator per file. Recorded ids are
 * mapped to the ones the simulator made; status codes must be equal and JSON bodies must have the same shape (the
 * same keys, the same value types).
 */
class TranscriptReplayTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final Set<String> ID_FIELDS = Set.of("project_id", "node_id", "link_id", "snapshot_id",
            "drawing_id", "template_id");
    private static Gns3Simulator simulator;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    /**
     * The recorded transcripts, kept in the repository next to this test (src/test/resources/gns3-2.2) so a clone
     * alone builds and tests; {@code -Dgns3.transcripts.dir} points elsewhere (a new recording, say).
     */
    static Path transcripts() {
        String configured = System.getProperty("gns3.transcripts.dir");
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            if (!Files.isDirectory(dir)) {
                throw new IllegalStateException("gns3.transcripts.dir " + dir + " is not a directory");
            }
            return dir;
        }
        URL readme = TranscriptReplayTest.class.getResource("/gns3-2.2/README.md");
        if (readme == null || !"file".equals(readme.getProtocol())) {
            throw new IllegalStateException("the GNS3 transcripts (gns3-simulator/src/test/resources/gns3-2.2) are "
                    + "missing from the test classpath");
        }
        try {
            return Path.of(readme.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExchangeOfEveryTranscriptMatches() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.list(transcripts())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> replay(file)));
            }
        }
        assertThat(tests).as("transcript files").hasSizeGreaterThanOrEqualTo(10);
        return tests.stream();
    }

    private void replay(Path file) throws Exception {
        simulator.reset();
        JsonNode entries = M.readTree(file.toFile());
        Map<String, String> ids = new HashMap<>();
        byte[] lastBinary = null;
        // the simulator's archive for each archive GNS3 answered, by GNS3's size: an import sends the one the
        // recording sent (a plain export, not the one with snapshots taken after it)
        Map<Integer, byte[]> binaries = new HashMap<>();
        List<String> mismatches = new ArrayList<>();
        int index = -1;
        int replayed = 0;
        for (JsonNode entry : entries) {
            index++;
            if (!entry.has("request")) {
                continue;
            }
            JsonNode request = entry.get("request");
            JsonNode expected = entry.get("response");
            String method = request.get("method").asText();
            String path = substitute(request.get("path").asText(), ids);
            String where = file.getFileName() + " #" + index + " " + method + " " + request.get("path").asText();
            byte[] body = requestBody(request.get("body"), ids, path, lastBinary, binaries);
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                    .timeout(Duration.ofSeconds(10))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            if (body != null) {
                builder.header("content-type", "application/json");
            }
            boolean stream = path.endsWith("/pcap") && expected.get("status").asInt() == 200;
            HttpResponse<InputStream> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = stream ? in.readNBytes(24) : in.readAllBytes();
            }
            replayed++;
            if (response.statusCode() != expected.get("status").asInt()) {
                mismatches.add(where + ": status " + response.statusCode() + ", expected " + expected.get("status").asInt()
                        + " — body " + new String(bytes, StandardCharsets.UTF_8));
                continue;
            }
            JsonNode expectedBody = expected.get("body");
            if (expectedBody != null && expectedBody.isObject() && expectedBody.has("binary_bytes")) {
                lastBinary = bytes;
                binaries.put(expectedBody.path("binary_bytes").asInt(), bytes);
                if (bytes.length == 0) {
                    mismatches.add(where + ": empty binary body");
                }
                String hex = expectedBody.path("first_bytes_hex").asText();
                if (hex.startsWith("504b") && !(bytes.length > 2 && bytes[0] == 'P' && bytes[1] == 'K')) {
                    mismatches.add(where + ": not a zip");
                }
                continue;
            }
            if (expectedBody == null || expectedBody.isNull()) {
                continue;
            }
            if (expectedBody.isTextual()) {
                String text = new String(bytes, StandardCharsets.UTF_8);
                String recorded = expectedBody.asText();
                if (recorded.startsWith("404:") || recorded.startsWith("405:")) {
                    if (!text.equals(recorded)) {
                        mismatches.add(where + ": body '" + text + "', expected '" + recorded + "'");
                    }
                }
                continue;
            }
            JsonNode actual;
            try {
                actual = M.readTree(bytes);
            } catch (IOException e) {
                mismatches.add(where + ": body is not JSON: " + new String(bytes, StandardCharsets.UTF_8));
                continue;
            }
            learnIds(expectedBody, actual, ids);
            boolean truncated = entry.path("note").asText().contains("truncated");
            compare(expectedBody, actual, "", where, truncated, mismatches);
        }
        assertThat(replayed).as(file + " exchanges replayed").isGreaterThan(0);
        assertThat(mismatches).as("mismatches in " + file.getFileName()).isEmpty();
    }

    private static byte[] requestBody(JsonNode body, Map<String, String> ids, String path, byte[] lastBinary,
                                      Map<Integer, byte[]> binaries) {
        if (body == null || body.isNull()) {
            return null;
        }
        if (body.isTextual() && body.asText().startsWith("<raw ")) {
            int size = Integer.parseInt(body.asText().replaceAll("\\D", ""));
            if (path.contains("/import") && lastBinary != null && size > 100) {
                return binaries.getOrDefault(size, lastBinary);
            }
            String known = switch (size) {
                case 41 -> "set pcname PC1\nip 10.0.0.1 255.255.255.0\n";
                case 11 -> "hello gns3\n";
                default -> "x".repeat(size);
            };
            return known.getBytes(StandardCharsets.UTF_8);
        }
        if (body.isTextual()) {
            return body.asText().getBytes(StandardCharsets.UTF_8); // recorded malformed JSON, sent as is
        }
        return substitute(body.toString(), ids).getBytes(StandardCharsets.UTF_8);
    }

    private static String substitute(String text, Map<String, String> ids) {
        String out = text;
        for (Map.Entry<String, String> e : ids.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    /** Records which simulator id stands for which recorded id, from bodies of the same shape. */
    private static void learnIds(JsonNode expected, JsonNode actual, Map<String, String> ids) {
        if (expected.isObject() && actual.isObject()) {
            for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                JsonNode e = expected.get(field);
                JsonNode a = actual.get(field);
                if (a == null) {
                    continue;
                }
                if (ID_FIELDS.contains(field) && e.isTextual() && a.isTextual() && !e.asText().equals(a.asText())) {
                    ids.putIfAbsent(e.asText(), a.asText());
                } else {
                    learnIds(e, a, ids);
                }
            }
        } else if (expected.isArray() && actual.isArray()) {
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                learnIds(expected.get(i), actual.get(i), ids);
            }
        }
    }

    /**
     * Adds to {@code mismatches} every place where {@code actual} has another shape than {@code expected}: other keys,
     * other value types, other array lengths (unless the recording was truncated). Also used for notification messages.
     */
    static void compare(JsonNode expected, JsonNode actual, String pointer, String where, boolean truncated,
                        List<String> mismatches) {
        String at = where + " at " + (pointer.isEmpty() ? "/" : pointer);
        if (!type(expected).equals(type(actual))) {
            mismatches.add(at + ": " + type(actual) + " " + abbreviate(actual) + ", expected " + type(expected) + " "
                    + abbreviate(expected));
            return;
        }
        if (expected.isObject()) {
            Set<String> expectedKeys = new TreeSet<>();
            expected.fieldNames().forEachRemaining(expectedKeys::add);
            Set<String> actualKeys = new TreeSet<>();
            actual.fieldNames().forEachRemaining(actualKeys::add);
            if (!expectedKeys.equals(actualKeys) && !pointer.endsWith("/properties")) {
                Set<String> missing = new TreeSet<>(expectedKeys);
                missing.removeAll(actualKeys);
                Set<String> extra = new TreeSet<>(actualKeys);
                extra.removeAll(expectedKeys);
                mismatches.add(at + ": keys differ, missing " + missing + ", unexpected " + extra);
            }
            for (String key : expectedKeys) {
                if (actual.has(key)) {
                    compare(expected.get(key), actual.get(key), pointer + "/" + key, where, truncated, mismatches);
                }
            }
        } else if (expected.isArray()) {
            if (!truncated && expected.size() != actual.size()) {
                mismatches.add(at + ": " + actual.size() + " items, expected " + expected.size());
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                compare(expected.get(i), actual.get(i), pointer + "/" + i, where, truncated, mismatches);
            }
        }
    }

    /** JSON value types; integers and decimals are both numbers (GNS3's percentages are either). */
    private static String type(JsonNode node) {
        if (node.isNumber()) {
            return "number";
        }
        return node.getNodeType().name().toLowerCase();
    }

    private static String abbreviate(JsonNode node) {
        String text = node.toString();
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
