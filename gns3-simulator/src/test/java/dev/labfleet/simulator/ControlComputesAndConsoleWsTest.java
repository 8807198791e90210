package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletionStage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The control listener (restore over HTTP after an outage), several computes whose load follows their started
 * nodes, and the console WebSocket relaying a VPCS' telnet stream.
 */
class ControlComputesAndConsoleWsTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String VPCS_TEMPLATE = "19021f99-e36f-394d-b4a1-8aaa902ab9cc";
    private static Gns3Simulator simulator;

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start(SimulatorOptions.defaults().withComputes(2).withControlPort(0));
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    @BeforeEach
    void fresh() {
        simulator.reset();
    }

    private static HttpResponse<String> send(String base, String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = send(simulator.baseUrl(), method, path, body);
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isLessThan(300);
        return r.body().isBlank() ? null : M.readTree(r.body());
    }

    @Test
    void restoreOverTheControlPortBringsTheApiBackOnTheSamePort() throws Exception {
        int port = simulator.port();
        assertThat(simulator.controlUrl()).isNotNull().doesNotEndWith(":" + port);

        assertThat(send(simulator.controlUrl(), "POST", "/_sim/faults/outage", "{}").statusCode()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThatThrownBy(() -> send(simulator.baseUrl(), "GET", "/v2/version", null)).isInstanceOf(ConnectException.class));
        assertThat(send(simulator.controlUrl(), "GET", "/_sim/requests", null).statusCode())
                .as("the control port stays up during the outage").isEqualTo(200);
        assertThat(send(simulator.controlUrl(), "GET", "/v2/version", null).statusCode())
                .as("the control port serves /_sim only").isEqualTo(404);

        assertThat(send(simulator.controlUrl(), "POST", "/_sim/faults/restore", null).statusCode()).isEqualTo(204);
        assertThat(simulator.port()).isEqualTo(port);
        assertThat(send(simulator.baseUrl(), "GET", "/v2/version", null).statusCode()).isEqualTo(200);
    }

    @Test
    void eachComputeReportsTheLoadOfItsOwnStartedNodes() throws Exception {
        JsonNode computes = call("GET", "/v2/computes", null);
        assertThat(computes).extracting(c -> c.get("compute_id").asText()).containsExactly("local", "compute2");
        double idle = computes.get(1).get("cpu_usage_percent").asDouble();

        String project = call("POST", "/v2/projects", "{\"name\":\"two-computes\"}").get("project_id").asText();
        JsonNode node = call("POST", "/v2/projects/" + project + "/nodes",
                "{\"name\":\"PC1\",\"node_type\":\"vpcs\",\"compute_id\":\"compute2\"}");
        assertThat(node.get("compute_id").asText()).isEqualTo("compute2");
        call("POST", "/v2/projects/" + project + "/nodes/" + node.get("node_id").asText() + "/start", "{}");

        assertThat(call("GET", "/v2/computes/compute2", null).get("cpu_usage_percent").asDouble()).isGreaterThan(idle);
        assertThat(call("GET", "/v2/computes/local", null).get("cpu_usage_percent").asDouble()).isEqualTo(idle);

        HttpResponse<String> unknown = send(simulator.baseUrl(), "POST", "/v2/projects/" + project + "/nodes",
                "{\"name\":\"PC2\",\"node_type\":\"vpcs\",\"compute_id\":\"compute3\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(M.readTree(unknown.body()).get("message").asText()).isEqualTo("Compute ID compute3 doesn't exist");
    }

    @Test
    void theConsoleWebSocketRelaysTheTelnetStream() throws Exception {
        String project = call("POST", "/v2/projects", "{\"name\":\"console-ws\"}").get("project_id").asText();
        String node = call("POST", "/v2/projects/" + project + "/templates/" + VPCS_TEMPLATE,
                "{\"x\":0,\"y\":0,\"compute_id\":\"local\"}").get("node_id").asText();
        String path = "/v2/projects/" + project + "/nodes/" + node + "/console/ws";
        call("POST", "/v2/projects/" + project + "/nodes/" + node + "/start", "{}");

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        WebSocket ws = HTTP.newWebSocketBuilder().buildAsync(URI.create(simulator.baseUrl().replace("http", "ws") + path),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
                        synchronized (received) {
                            byte[] bytes = new byte[data.remaining()];
                            data.get(bytes);
                            received.writeBytes(bytes);
                        }
                        socket.request(1);
                        return null;
                    }
                }).get();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> text(received).endsWith("PC1> "));
            assertThat(HexFormat.of().formatHex(bytes(received))).startsWith("fffb01fffb03fffb00fffd00");

            ws.sendText("ip 10.0.0.1/24\n", true).get();
            await().atMost(Duration.ofSeconds(5)).until(() -> text(received).contains("PC1 : 10.0.0.1 255.255.255.0"));
            ws.sendBinary(ByteBuffer.wrap("show ip\n".getBytes(StandardCharsets.UTF_8)), true).get();
            await().atMost(Duration.ofSeconds(5)).until(() -> text(received).contains("IP/MASK     : 10.0.0.1/24"));
            assertThat(text(received)).as("PC1 is GNS3's -m 0").contains("MAC         : 00:50:79:66:68:00");
        } finally {
            ws.abort();
        }
        assertThat(simulator.requests().count("GET /v2/projects/{project_id}/nodes/{node_id}/console/ws")).isEqualTo(1);
    }

    private static byte[] bytes(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.toByteArray();
        }
    }

    private static String text(ByteArrayOutputStream out) {
        return new String(bytes(out), StandardCharsets.ISO_8859_1);
    }
}
