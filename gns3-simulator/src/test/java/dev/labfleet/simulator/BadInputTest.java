package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input gets GNS3 2.2's status and body: malformed JSON and bodies request-bodies.json refuses are 400s with the
 * route template, method and request (worded as in src/test/resources/gns3-2.2/08-errors.json), a used port 409, a
 * closed project 403, and a simulator failure GNS3's 500 shape. No body ever shows Java.
 */
class BadInputTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Gns3Simulator simulator;
    private String project;
    private String pc1;
    private String pc2;

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start(SimulatorOptions.defaults().withConsoles(false));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void projectWithTwoNodes() throws Exception {
        simulator.reset();
        project = call("POST", "/v2/projects", "{\"name\":\"bad-input\"}").get("project_id").asText();
        pc1 = createVpcs("PC1");
        pc2 = createVpcs("PC2");
    }

    private String createVpcs(String name) throws Exception {
        return call("POST", nodes(), "{\"name\":\"" + name + "\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}")
                .get("node_id").asText();
    }

    private String nodes() {
        return "/v2/projects/" + project + "/nodes";
    }

    private String links() {
        return "/v2/projects/" + project + "/links";
    }

    private static String end(String node, Object adapter, Object port) {
        return "{\"node_id\":\"" + node + "\",\"adapter_number\":" + adapter + ",\"port_number\":" + port + "}";
    }

    private static HttpResponse<String> send(String method, String path, HttpRequest.BodyPublisher body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path)).timeout(Duration.ofSeconds(5))
                .method(method, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body().isBlank() ? null : M.readTree(r.body());
    }

    /** A GNS3 error: the status, a JSON body with exactly these keys and its own status, and nothing of Java. */
    private static JsonNode gns3Error(HttpResponse<String> response, int status, String... keys) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.body()).doesNotContain("java.").doesNotContain("Exception");
        JsonNode body = M.readTree(response.body());
        List<String> names = new ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder(keys);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        return body;
    }

    /** GNS3's 400 for a body its schema refuses: the message, and the route template, method and request alongside. */
    private static void schemaError(HttpResponse<String> response, String method, String template, String request,
                                    String message) throws Exception {
        JsonNode body = gns3Error(response, 400, "message", "method", "path", "request", "status");
        assertThat(body.get("message").asText()).isEqualTo(message);
        assertThat(body.get("method").asText()).isEqualTo(method);
        assertThat(body.get("path").asText()).isEqualTo(template);
        assertThat(body.get("request")).isEqualTo(M.readTree(request));
    }

    /** A POST that GNS3's schema check refuses: the message quotes the path and the body as Python prints them. */
    private void refused(String path, String template, String request, String pythonData, String reason) throws Exception {
        schemaError(send("POST", path, request), "POST", template, request,
                "JSON schema error with API request '" + path + "' and JSON data '" + pythonData + "': " + reason);
    }

    @Test
    void malformedJsonIsAnswered400InPythonsWords() throws Exception {
        String raw = "{\"name\": \"broken\", ";
        JsonNode body = gns3Error(send("POST", "/v2/projects", raw), 400, "message", "method", "path", "request", "status");
        assertThat(body.get("message").asText())
                .isEqualTo("Invalid JSON Expecting property name enclosed in double quotes: line 1 column 20 (char 19)");
        assertThat(body.get("method").asText()).isEqualTo("POST");
        assertThat(body.get("path").asText()).isEqualTo("/v2/projects");
        assertThat(body.get("request")).isEqualTo(M.createObjectNode().put("malformed_json", raw));

        JsonNode link = gns3Error(send("POST", links(), "{\"nodes\": [}"), 400, "message", "method", "path", "request", "status");
        assertThat(link.get("message").asText()).isEqualTo("Invalid JSON Expecting value: line 1 column 12 (char 11)");
        assertThat(link.get("path").asText()).isEqualTo("/v2/projects/{project_id}/links");

        // GNS3 parses the body of routes that don't read it too: the project stays open
        JsonNode close = gns3Error(send("POST", "/v2/projects/" + project + "/close", "[1 2]"), 400,
                "message", "method", "path", "request", "status");
        assertThat(close.get("message").asText()).isEqualTo("Invalid JSON Expecting ',' delimiter: line 1 column 4 (char 3)");
        assertThat(call("GET", "/v2/projects/" + project, null).get("status").asText()).isEqualTo("opened");
    }

    @Test
    void wrongTypesAreSchemaErrorsAndCreateNothing() throws Exception {
        schemaError(send("POST", "/v2/projects", "{\"name\": 42}"), "POST", "/v2/projects", "{\"name\": 42}",
                "JSON schema error with API request '/v2/projects' and JSON data '{'name': 42}': 42 is not of type 'string', 'null'");

        String node = "{\"name\": 42, \"node_type\": \"vpcs\", \"compute_id\": \"local\"}";
        refused(nodes(), "/v2/projects/{project_id}/nodes", node,
                "{'name': 42, 'node_type': 'vpcs', 'compute_id': 'local'}", "42 is not of type 'string'");
        String properties = "{\"name\": \"PC3\", \"node_type\": \"vpcs\", \"compute_id\": \"local\", \"properties\": \"x\"}";
        refused(nodes(), "/v2/projects/{project_id}/nodes", properties,
                "{'name': 'PC3', 'node_type': 'vpcs', 'compute_id': 'local', 'properties': 'x'}",
                "'x' is not of type 'object'");
        assertThat(call("GET", nodes(), null)).hasSize(2);

        refused(links(), "/v2/projects/{project_id}/links", "{\"nodes\": \"x\"}", "{'nodes': 'x'}",
                "'x' is not of type 'array'");
        String adapter = "{\"nodes\": [" + end(pc1, "\"a\"", 0) + ", " + end(pc2, 0, 0) + "]}";
        refused(links(), "/v2/projects/{project_id}/links", adapter, "{'nodes': [{'node_id': '" + pc1
                + "', 'adapter_number': 'a', 'port_number': 0}, {'node_id': '" + pc2
                + "', 'adapter_number': 0, 'port_number': 0}]}", "'a' is not of type 'integer'");
        assertThat(call("GET", links(), null)).isEmpty();

        String link = call("POST", links(), "{\"nodes\": [" + end(pc1, 0, 0) + ", " + end(pc2, 0, 0) + "]}")
                .get("link_id").asText();
        schemaError(send("PUT", links() + "/" + link, "{\"filters\": []}"), "PUT", "/v2/projects/{project_id}/links/{link_id}",
                "{\"filters\": []}", "JSON schema error with API request '" + links() + "/" + link
                        + "' and JSON data '{'filters': []}': [] is not of type 'object'");
        assertThat(call("GET", links() + "/" + link, null).get("filters")).isEqualTo(M.createObjectNode());
    }

    @Test
    void aMissingFieldIsReportedBeforeAWrongValue() throws Exception {
        String node = "{\"name\": \"X1\", \"node_type\": \"vpcs\"}";
        refused(nodes(), "/v2/projects/{project_id}/nodes", node, "{'name': 'X1', 'node_type': 'vpcs'}",
                "'compute_id' is a required property");
        String both = "{\"name\": 42, \"node_type\": \"vpcs\"}";
        refused(nodes(), "/v2/projects/{project_id}/nodes", both, "{'name': 42, 'node_type': 'vpcs'}",
                "'compute_id' is a required property");
        String noPort = "{\"nodes\": [{\"node_id\": \"" + pc1 + "\", \"adapter_number\": 0}]}";
        refused(links(), "/v2/projects/{project_id}/links", noPort,
                "{'nodes': [{'node_id': '" + pc1 + "', 'adapter_number': 0}]}", "'port_number' is a required property");
    }

    @Test
    void positionsAreMandatoryWhereTheDocumentationSaysSo() throws Exception {
        String duplicate = nodes() + "/" + pc1 + "/duplicate";
        schemaError(send("POST", duplicate, "{\"y\": 10}"), "POST", "/v2/projects/{project_id}/nodes/{node_id}/duplicate",
                "{\"y\": 10}", "JSON schema error with API request '" + duplicate + "' and JSON data '{'y': 10}': "
                        + "'x' is a required property");
        String template = call("GET", "/v2/templates", null).findValuesAsText("template_id").stream()
                .filter(id -> !id.isEmpty()).findFirst().orElseThrow();
        String fromTemplate = "/v2/projects/" + project + "/templates/" + template;
        schemaError(send("POST", fromTemplate, "{\"x\": 10}"), "POST", "/v2/projects/{project_id}/templates/{template_id}",
                "{\"x\": 10}", "JSON schema error with API request '" + fromTemplate + "' and JSON data '{'x': 10}': "
                        + "'y' is a required property");
        assertThat(call("GET", nodes(), null)).hasSize(2);
    }

    @Test
    void unknownFieldsAreRefusedOnlyWhereGns3WasSeenRefusingThem() throws Exception {
        String bogus = "{\"name\": \"x\", \"bogus\": 1}";
        schemaError(send("POST", "/v2/projects", bogus), "POST", "/v2/projects", bogus,
                "JSON schema error with API request '/v2/projects' and JSON data '{'name': 'x', 'bogus': 1}': "
                        + "Additional properties are not allowed ('bogus' was unexpected)");
        String shortId = "{\"name\": \"x\", \"project_id\": \"123\"}";
        schemaError(send("POST", "/v2/projects", shortId), "POST", "/v2/projects", shortId,
                "JSON schema error with API request '/v2/projects' and JSON data '{'name': 'x', 'project_id': '123'}': "
                        + "'123' is too short");

        // elsewhere an unknown field is accepted and ignored
        JsonNode renamed = call("PUT", "/v2/projects/" + project, "{\"name\": \"renamed\", \"bogus\": 1}");
        assertThat(renamed.get("name").asText()).isEqualTo("renamed");
        assertThat(renamed.has("bogus")).isFalse();
        JsonNode moved = call("PUT", nodes() + "/" + pc1, "{\"x\": 15, \"bogus\": 1}");
        assertThat(moved.get("x").asInt()).isEqualTo(15);
        assertThat(moved.has("bogus")).isFalse();
        assertThat(call("POST", nodes() + "/" + pc1 + "/duplicate", "{\"x\": 1, \"y\": 2, \"bogus\": 1}").has("bogus"))
                .isFalse();
        assertThat(call("GET", nodes() + "/" + pc1, null).has("bogus")).isFalse();
    }

    @Test
    void anUnknownNodeTypeIsNotOneOfGns3s() throws Exception {
        String toaster = "{\"name\": \"X1\", \"node_type\": \"toaster\", \"compute_id\": \"local\"}";
        schemaError(send("POST", nodes(), toaster), "POST", "/v2/projects/{project_id}/nodes", toaster,
                "JSON schema error with API request '" + nodes() + "' and JSON data '{'name': 'X1', 'node_type': 'toaster', "
                        + "'compute_id': 'local'}': 'toaster' is not one of ['cloud', 'nat', 'ethernet_hub', "
                        + "'ethernet_switch', 'frame_relay_switch', 'atm_switch', 'docker', 'dynamips', 'vpcs', 'traceng', "
                        + "'virtualbox', 'vmware', 'iou', 'qemu']");
        assertThat(call("GET", nodes(), null)).hasSize(2);
    }

    @Test
    void linkingAUsedPortIsA409() throws Exception {
        String pc3 = createVpcs("PC3");
        call("POST", links(), "{\"nodes\": [" + end(pc1, 0, 0) + ", " + end(pc2, 0, 0) + "]}");

        JsonNode body = gns3Error(send("POST", links(), "{\"nodes\": [" + end(pc3, 0, 0) + ", " + end(pc2, 0, 0) + "]}"),
                409, "message", "status");

        assertThat(body.get("message").asText()).isEqualTo("Port is already used");
        assertThat(call("GET", links(), null)).hasSize(1);
    }

    @Test
    void actingOnAClosedProjectIsA403() throws Exception {
        call("POST", "/v2/projects/" + project + "/close", "{}");

        for (HttpResponse<String> response : List.of(
                send("POST", nodes(), "{\"name\": \"PCX\", \"node_type\": \"vpcs\", \"compute_id\": \"local\"}"),
                send("POST", nodes() + "/" + pc1 + "/start", "{}"),
                send("POST", links(), "{\"nodes\": [" + end(pc1, 0, 0) + ", " + end(pc2, 0, 0) + "]}"))) {
            JsonNode body = gns3Error(response, 403, "message", "status");
            assertThat(body.get("message").asText()).isEqualTo("The project is not opened");
        }
        assertThat(call("GET", links(), null)).isEmpty();
        assertThat(call("GET", nodes(), null)).hasSize(2);
    }

    @Test
    void aSimulatorFailureIsGns3sFiveHundredWithoutJava() throws Exception {
        // an archive whose link ends are no list trips the simulator's import (GNS3 checks its topology schema: 409)
        byte[] archive = ProjectArchive.zip(Map.of("project.gns3", ("{\"name\": \"odd\", \"topology\": {\"nodes\": [], "
                + "\"links\": [{\"link_id\": \"" + UUID.randomUUID() + "\", \"nodes\": \"x\"}], \"drawings\": []}}")
                .getBytes(StandardCharsets.UTF_8)));
        String path = "/v2/projects/" + UUID.randomUUID() + "/import";

        JsonNode body = gns3Error(send("POST", path, HttpRequest.BodyPublishers.ofByteArray(archive)), 500, "message", "status");
        assertThat(body.get("message").asText()).isEqualTo("Internal server error");

        // the same failure after an injected latency, where no router catches it, is answered all the same
        simulator.faults().latency("POST /v2/projects/*/import", 50);
        String again = "/v2/projects/" + UUID.randomUUID() + "/import";
        gns3Error(send("POST", again, HttpRequest.BodyPublishers.ofByteArray(archive)), 500, "message", "status");
    }
}
