package dev.labfleet.automation.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.automation.support.LabStandIn;
import dev.labfleet.automation.support.SimLabs;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** The acceptance: scripts on the simulator's VPCS consoles, through the gateway's API. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class ExecutionAcceptanceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    static String script(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/scripts")
                .then().statusCode(201).extract().path("id");
    }

    static Map<String, Object> vpcs(String body, List<Map<String, Object>> variables,
                                    List<Map<String, Object>> assertions) {
        Map<String, Object> s = new HashMap<>();
        s.put("name", "s-" + UUID.randomUUID().toString().substring(0, 8));
        s.put("kind", "vpcs");
        s.put("body", body);
        s.put("variables", variables);
        s.put("assertions", assertions);
        return s;
    }

    static String run(String scriptId, Map<String, Object> request) {
        return given().contentType(ContentType.JSON).body(request)
                .when().post("/api/v1/scripts/" + scriptId + "/executions")
                .then().statusCode(202).header("Location", containsString("/api/v1/executions/"))
                .body("status", equalTo("running"))
                .extract().path("id");
    }

    static JsonPath finished(String executionId, Duration atMost) {
        JsonPath[] last = new JsonPath[1];
        await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = given().when().get("/api/v1/executions/" + executionId).then().statusCode(200).extract().jsonPath();
            return !"running".equals(last[0].getString("status"));
        });
        return last[0];
    }

    static String ip(int i) {
        return "10.11.0." + i;
    }

    @Test
    void twentyVpcsAreAddressedAndPingTheirNeighbour() {
        SimLabs.Lab lab = SimLabs.pairs(20);
        String id = script(vpcs("ip {ip}/24\nping {peer} -c 1\n",
                List.of(Map.of("name", "ip", "type", "ip", "required", true),
                        Map.of("name", "peer", "type", "ip", "required", true)),
                List.of(Map.of("type", "pingLoss", "maxLossPercent", 0, "retries", 10, "intervalMs", 300))));
        Map<String, Object> perNode = new HashMap<>();
        for (int i = 1; i <= 20; i++) {
            int peer = i % 2 == 1 ? i + 1 : i - 1;
            perNode.put("PC" + i, Map.of("ip", ip(i), "peer", ip(peer)));
        }
        String execution = run(id, Map.of("projectId", lab.projectId(), "nodeVariables", perNode, "concurrency", 20));

        JsonPath result = finished(execution, Duration.ofSeconds(90));
        assertThat(result.getString("status")).as(result.prettify()).isEqualTo("succeeded");
        List<Map<String, Object>> nodes = result.getList("nodes");
        assertThat(nodes).hasSize(20);
        for (Map<String, Object> node : nodes) {
            String name = (String) node.get("nodeName");
            int i = Integer.parseInt(name.substring(2));
            assertThat(node.get("status")).as(name).isEqualTo("succeeded");
            assertThat((String) node.get("transcript")).as(name)
                    .contains("ip " + ip(i) + "/24")
                    .contains("84 bytes from " + ip(i % 2 == 1 ? i + 1 : i - 1));
            assertThat((List<Object>) node.get("commands")).as(name).containsExactly((Object) "ip " + ip(i) + "/24",
                    "ping " + ip(i % 2 == 1 ? i + 1 : i - 1) + " -c 1");
            assertThat(node.get("assertions").toString()).contains("passed=true");
        }
        assertThat(result.getInt("scriptVersion")).isEqualTo(1);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("labfleet_automation_executions_total{kind=\"vpcs\",status=\"succeeded\"}")
                .contains("labfleet_automation_console_seconds_count{kind=\"vpcs\"}")
                .contains("labfleet_automation_sessions_open")
                .contains("labfleet_automation_leases_taken_over_total");

        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUTOMATION, lab.projectId(), Duration.ofSeconds(30),
                seen -> seen.stream().anyMatch(e -> e.type().equals("lab.automation.execution-finished")));
        assertThat(events.get(0).type()).isEqualTo("lab.automation.execution-started");
        assertThat(events).filteredOn(e -> e.type().equals("lab.automation.node-finished")).hasSize(20);
        assertThat(events.get(events.size() - 1).data().get("status").asText()).isEqualTo("succeeded");
        assertThat(events.toString()).doesNotContain(ip(3) + "\"");
    }

    @Test
    void aMissingVariableIsRefusedBeforeAnyConsoleIsTouched() throws Exception {
        SimLabs.Lab lab = SimLabs.pairs(2);
        String id = script(vpcs("ip {ip}/24\n", List.of(Map.of("name", "ip", "type", "ip", "required", true)),
                List.of()));
        given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId()))
                .when().post("/api/v1/scripts/" + id + "/executions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("violations[0].field", equalTo("variables.ip"))
                .body("detail", containsString("variables.ip"));
        given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId(), "variables", Map.of("ip", 12)))
                .when().post("/api/v1/scripts/" + id + "/executions")
                .then().statusCode(400).body("violations[0].field", equalTo("variables.ip"));
        // a node that brings no value of its own: still refused, naming the variable and the node
        given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId(),
                        "nodeVariables", Map.of("PC1", Map.of("ip", ip(1)))))
                .when().post("/api/v1/scripts/" + id + "/executions")
                .then().statusCode(400).body("violations[0].field", equalTo("variables.ip"))
                .body("node", equalTo("PC2"));
        // an expression the body uses but nobody declared: 400 naming the line, also before any console
        String undeclared = script(vpcs("show ip\nip {address}/24\n", List.of(), List.of()));
        given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId()))
                .when().post("/api/v1/scripts/" + undeclared + "/executions")
                .then().statusCode(400).body("violations[0].field", equalTo("body"))
                .body("detail", containsString("line 2"));

        given().when().get("/api/v1/executions?projectId=" + lab.projectId()).then().statusCode(200)
                .body("size()", equalTo(0));
        // VPCS prints its banner on the first connection after start only: it is still there for us
        assertThat(firstBytes(SimLabs.console(lab, "PC1"))).contains("Welcome to Virtual PC Simulator");
        assertThat(firstBytes(SimLabs.console(lab, "PC2"))).contains("Welcome to Virtual PC Simulator");
    }

    private static String firstBytes(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(3000);
            InputStream in = socket.getInputStream();
            StringBuilder text = new StringBuilder();
            byte[] buffer = new byte[4096];
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < until && !text.toString().contains("> ")) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                text.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        }
    }

    @Test
    void aNodeStoppedAfterTheRunWasListedButBeforeItsTurnIsSkippedWithNothingSent() {
        // one node at a time: PC2's turn comes after PC1's pings, and PC2 is stopped meanwhile. Whether PC2's turn
        // uses the node list the run read at its start (PC2's console then refuses and the run asks GNS3 why) or
        // reads the node again (listed-node-max-age passed), it is skipped with nothing sent
        SimLabs.Lab lab = SimLabs.pairs(2);
        String id = script(vpcs("ip {ip}/24\nping 10.99.0.1 -c 4\n", List.of(Map.of("name", "ip", "type", "ip",
                "default", "10.13.0.1")), List.of()));
        String execution = run(id, Map.of("projectId", lab.projectId(), "concurrency", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String transcript = given().when().get("/api/v1/executions/" + execution).then().extract().jsonPath()
                    .getString("nodes.find { it.nodeName == 'PC1' }.transcript");
            return transcript != null && transcript.contains("icmp_seq=1");
        });
        SimLabs.stop(lab, "PC2");

        JsonPath result = finished(execution, Duration.ofSeconds(60));
        assertThat(result.getString("nodes.find { it.nodeName == 'PC1' }.status")).isEqualTo("succeeded");
        assertThat(result.getString("nodes.find { it.nodeName == 'PC2' }.status")).isEqualTo("skipped");
        assertThat(result.getString("nodes.find { it.nodeName == 'PC2' }.error"))
                .isEqualTo("node is stopped: nothing was sent");
        assertThat(result.getString("nodes.find { it.nodeName == 'PC2' }.startedAt")).isNull();
        assertThat(result.getString("status")).isEqualTo("succeeded");

        // the cheap poll: status and counts, no nodes
        given().when().get("/api/v1/executions/" + execution + "?nodes=false").then().statusCode(200)
                .body("status", equalTo("succeeded"))
                .body("counts", equalTo(Map.of("succeeded", 1, "skipped", 1)))
                .body("nodes", org.hamcrest.Matchers.nullValue());
        given().when().get("/api/v1/executions/" + execution + "?nodes=few").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("nodes"));
    }

    @Test
    void aNodeStoppedMidRunFailsWithTheReasonWhileTheOthersFinish() {
        SimLabs.Lab lab = SimLabs.pairs(4);
        String id = script(vpcs("ip {ip}/24\nping 10.99.0.1 -c 4\n", List.of(Map.of("name", "ip", "type", "ip",
                "default", "10.12.0.1")), List.of()));
        String execution = run(id, Map.of("projectId", lab.projectId(), "concurrency", 4));
        await().atMost(Duration.ofSeconds(20)).until(() -> given().when().get("/api/v1/executions/" + execution)
                .then().extract().jsonPath().getString("nodes.find { it.nodeName == 'PC2' }.transcript") != null
                && given().when().get("/api/v1/executions/" + execution).then().extract().jsonPath()
                .getString("nodes.find { it.nodeName == 'PC2' }.transcript").contains("icmp_seq=1"));
        SimLabs.stop(lab, "PC2");

        JsonPath result = finished(execution, Duration.ofSeconds(60));
        assertThat(result.getString("status")).isEqualTo("failed");
        assertThat(result.getString("nodes.find { it.nodeName == 'PC2' }.status")).isEqualTo("failed");
        assertThat(result.getString("nodes.find { it.nodeName == 'PC2' }.error")).contains("node is stopped");
        for (String other : List.of("PC1", "PC3", "PC4")) {
            assertThat(result.getString("nodes.find { it.nodeName == '" + other + "' }.status")).as(other)
                    .isEqualTo("succeeded");
            assertThat(result.getString("nodes.find { it.nodeName == '" + other + "' }.transcript")).as(other)
                    .contains("icmp_seq=4 timeout");
        }
    }

    @Test
    void cancelStopsARunningExecution() {
        SimLabs.Lab lab = SimLabs.pairs(3);
        String id = script(vpcs("ping 10.99.0.1 -c 60\n", List.of(), List.of()));
        String execution = run(id, Map.of("projectId", lab.projectId(), "concurrency", 1));
        await().atMost(Duration.ofSeconds(20)).until(() -> String.valueOf(given().when()
                .get("/api/v1/executions/" + execution).then().extract().<String>path("nodes[0].transcript"))
                .contains("icmp_seq=1 timeout"));
        given().when().delete("/api/v1/executions/" + execution).then().statusCode(202)
                .body("cancelRequested", equalTo(true));

        // the script pings for 60 s: an end within 15 s is the cancel's
        JsonPath result = finished(execution, Duration.ofSeconds(15));
        assertThat(result.getString("status")).isEqualTo("cancelled");
        assertThat(result.getList("nodes.status", String.class)).containsOnly("cancelled");
        assertThat(result.getString("nodes[0].transcript")).contains("icmp_seq=1 timeout");
        given().when().delete("/api/v1/executions/" + execution).then().statusCode(409);
    }

    @Test
    void theStreamDeliversOutputBeforeTheEndAndLateClientsCatchUp() throws Exception {
        SimLabs.Lab lab = SimLabs.pairs(2);
        // ten unanswered pings: about 10 s, long enough for a client to connect on a busy machine
        String id = script(vpcs("show ip\nping 10.99.0.1 -c 10\n", List.of(), List.of()));
        String execution = run(id, Map.of("projectId", lab.projectId(), "nodes", List.of("PC1")));

        List<String> messages = new CopyOnWriteArrayList<>();
        List<String> statusAtOutput = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        WebSocket socket = connect(execution, messages, closed, text -> {
            // live output (not the catch-up of what was recorded before we connected)
            if (text.contains("\"type\":\"output\"") && !text.contains("\"catchUp\"") && text.contains("icmp_seq")
                    && statusAtOutput.isEmpty()) {
                statusAtOutput.add(given().when().get("/api/v1/executions/" + execution).then().extract().path("status"));
            }
        });
        closed.get(60, TimeUnit.SECONDS);
        assertThat(statusAtOutput).containsExactly("running");
        JsonNode last = JSON.readTree(messages.get(messages.size() - 1));
        assertThat(last.get("type").asText()).isEqualTo("finished");
        assertThat(last.at("/execution/status").asText()).isEqualTo("succeeded");
        String streamed = joinedOutput(messages);
        assertThat(streamed).contains("show ip").contains("icmp_seq=10 timeout");
        socket.abort();

        // a client that connects after the end gets the whole transcript, then the result
        List<String> late = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> lateClosed = new CompletableFuture<>();
        connect(execution, late, lateClosed, text -> { });
        lateClosed.get(15, TimeUnit.SECONDS);
        assertThat(joinedOutput(late)).isEqualTo(streamed);
        assertThat(JSON.readTree(late.get(late.size() - 1)).get("type").asText()).isEqualTo("finished");
    }

    private static String joinedOutput(List<String> messages) throws Exception {
        StringBuilder text = new StringBuilder();
        for (String m : messages) {
            JsonNode json = JSON.readTree(m);
            if (json.get("type").asText().equals("output")) {
                text.append(json.get("text").asText());
            }
        }
        return text.toString();
    }

    private WebSocket connect(String execution, List<String> messages, CompletableFuture<Void> closed,
                              java.util.function.Consumer<String> onText) {
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/api/v1/executions/" + execution
                + "/stream");
        return HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder partial = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                partial.append(data);
                if (last) {
                    String text = partial.toString();
                    partial.setLength(0);
                    messages.add(text);
                    onText.accept(text);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closed.complete(null);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closed.completeExceptionally(error);
            }
        }).join();
    }

    @Test
    void twoExecutionsOnOneNodeNeverInterleave() {
        SimLabs.Lab lab = SimLabs.pairs(2);
        String a = script(vpcs("ip 10.13.0.1/24\nshow ip\nping 10.99.0.1 -c 2\n", List.of(), List.of()));
        String b = script(vpcs("ip 10.13.0.2/24\nshow ip\nping 10.99.0.2 -c 2\n", List.of(), List.of()));
        String first = run(a, Map.of("projectId", lab.projectId(), "nodes", List.of("PC1")));
        String second = run(b, Map.of("projectId", lab.projectId(), "nodes", List.of("PC1")));

        JsonPath one = finished(first, Duration.ofSeconds(40));
        JsonPath two = finished(second, Duration.ofSeconds(40));
        assertThat(one.getString("nodes[0].status")).isEqualTo("succeeded");
        assertThat(two.getString("nodes[0].status")).isEqualTo("succeeded");
        String t1 = one.getString("nodes[0].transcript");
        String t2 = two.getString("nodes[0].transcript");
        assertThat(t1).contains("10.13.0.1").contains("10.99.0.1").doesNotContain("10.13.0.2").doesNotContain("10.99.0.2");
        assertThat(t2).contains("10.13.0.2").contains("10.99.0.2").doesNotContain("10.13.0.1").doesNotContain("10.99.0.1");
        // each session saw its own address in show ip: nothing of the other got in between
        assertThat(t1).contains("IP/MASK     : 10.13.0.1/24");
        assertThat(t2).contains("IP/MASK     : 10.13.0.2/24");
        OffsetDateTime s1 = OffsetDateTime.parse(one.getString("nodes[0].startedAt"));
        OffsetDateTime e1 = OffsetDateTime.parse(one.getString("nodes[0].finishedAt"));
        OffsetDateTime s2 = OffsetDateTime.parse(two.getString("nodes[0].startedAt"));
        OffsetDateTime e2 = OffsetDateTime.parse(two.getString("nodes[0].finishedAt"));
        assertThat(!e1.isAfter(s2) || !e2.isAfter(s1)).as("sessions overlap: %s-%s and %s-%s", s1, e1, s2, e2).isTrue();
    }

}
