package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * As GNS3 2.2, the simulator keeps a link's filters but not its suspension when a project is opened from its file:
 * after a close and open, and after a snapshot restore, a suspended link is active again (docs/real-gns3.md), which
 * is what topology-service's re-suspension has to repair.
 */
class LinkSuspensionTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Gns3Simulator simulator;

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @Test
    void aSuspendedLinkComesBackActiveAfterCloseAndOpenAndAfterARestoreWithItsFilters() throws Exception {
        String project = call("POST", "/v2/projects", "{\"name\":\"suspension\"}", 201).get("project_id").asText();
        String p = "/v2/projects/" + project;
        String a = call("POST", p + "/nodes", "{\"name\":\"PC1\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}", 201)
                .get("node_id").asText();
        String b = call("POST", p + "/nodes", "{\"name\":\"PC2\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}", 201)
                .get("node_id").asText();
        String link = call("POST", p + "/links", "{\"nodes\":[{\"node_id\":\"" + a + "\",\"adapter_number\":0,"
                + "\"port_number\":0},{\"node_id\":\"" + b + "\",\"adapter_number\":0,\"port_number\":0}]}", 201)
                .get("link_id").asText();
        call("PUT", p + "/links/" + link, "{\"suspend\":true,\"filters\":{\"delay\":[20,0]}}", 201);
        String snapshot = call("POST", p + "/snapshots", "{\"name\":\"suspended\"}", 201).get("snapshot_id").asText();

        call("POST", p + "/close", "{}", 204);
        call("POST", p + "/open", "{}", 201);
        JsonNode reopened = call("GET", p + "/links/" + link, null, 200);
        assertThat(reopened.get("suspend").asBoolean()).isFalse();
        assertThat(reopened.get("filters").get("delay").toString()).isEqualTo("[20,0]");

        call("PUT", p + "/links/" + link, "{\"suspend\":true}", 201);
        call("POST", p + "/snapshots/" + snapshot + "/restore", "{}", 201);
        JsonNode restored = call("GET", p + "/links/" + link, null, 200);
        assertThat(restored.get("suspend").asBoolean()).isFalse();
        assertThat(restored.get("filters").get("delay").toString()).isEqualTo("[20,0]");
    }

    private static JsonNode call(String method, String path, String body, int status) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isEqualTo(status);
        return response.body().isEmpty() ? M.createObjectNode() : M.readTree(response.body());
    }
}
