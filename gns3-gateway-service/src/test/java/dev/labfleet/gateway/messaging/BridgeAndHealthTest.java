package dev.labfleet.gateway.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventDeserializer;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.EventContract;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

/** GNS3 notifications reach gns3.events; resync after a reconnect; health changes are published. */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class BridgeAndHealthTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    KafkaConsumer<String, CloudEvent> consumer;
    final List<ConsumerRecord<String, CloudEvent>> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void subscribe() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "gateway-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new CloudEventDeserializer());
        // where this run's gateway publishes: the tests' own topic, never the suite's (TestTopics)
        consumer.subscribe(List.of(TestTopics.of(Topics.GNS3_EVENTS)));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            consumer.poll(Duration.ofMillis(200));
            return !consumer.assignment().isEmpty();
        });
        consumer.seekToEnd(consumer.assignment());
        consumer.assignment().forEach(consumer::position);
    }

    @AfterEach
    void close() {
        consumer.close();
        Simulators.b().faults().restore();
    }

    /** The servers this test registered: their events are held to the event contract (others may share the topic). */
    final java.util.Set<String> servers = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private UUID server(String name, String url) {
        UUID id = Api.server(name, url);
        servers.add(id.toString());
        return id;
    }

    private List<ConsumerRecord<String, CloudEvent>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
            String source = r.value().source().toString();
            if (servers.contains(r.key()) || servers.stream().anyMatch(source::endsWith)) {
                EventContract.assertValid(Topics.GNS3_EVENTS, r.key(), r.value());
            }
            seen.add(r);
        });
        return seen;
    }

    @Test
    void createAndStartANodeArePublishedKeyedByTheirProject() {
        UUID a = server("sim-a", Simulators.a().baseUrl());
        await().atMost(Duration.ofSeconds(20)).until(() -> poll().stream()
                .anyMatch(r -> r.value().source().toString().endsWith(a.toString())));
        String projectId = UUID.randomUUID().toString();
        String p = "/api/v1/servers/" + a + "/projects/" + projectId;
        Api.json().body(Map.of("name", "events-" + projectId, "project_id", projectId))
                .post("/api/v1/servers/" + a + "/projects").then().statusCode(201);
        // the bridge opens the project's stream when GNS3 says it was opened (or at its next supervision)
        await().atMost(Duration.ofSeconds(10)).until(() -> Simulators.a().requests()
                .count("GET /v2/projects/{project_id}/notifications/ws") > 0 && poll().stream()
                .anyMatch(r -> r.value().type().equals("gns3.project.created") || r.value().type().equals("gns3.project.opened")));

        // what is published, keyed and typed as the contract says; how fast is the benchmarks' business (a wall-clock
        // bound here fails on a loaded machine without saying anything about the bridge)
        String node = Api.json().body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
        await().atMost(Duration.ofSeconds(20)).until(() -> poll().stream().anyMatch(r ->
                r.value().type().equals("gns3.node.created") && node.equals(r.value().subject())
                        && projectId.equals(r.key())));

        Api.json().post(p + "/nodes/" + node + "/start").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> poll().stream().anyMatch(r ->
                r.value().type().equals("gns3.node.updated") && node.equals(r.value().subject())
                        && "started".equals(r.value().data().path("status").asText())));
        Api.json().post(p + "/nodes/" + node + "/stop").then().statusCode(200);
        Api.json().delete(p).then().statusCode(204);
    }

    @Test
    void aLabMadeStraightOnGns3IsBridgedToo() throws Exception {
        UUID a = server("sim-a", Simulators.a().baseUrl());
        await().atMost(Duration.ofSeconds(20)).until(() -> poll().stream()
                .anyMatch(r -> r.value().source().toString().endsWith(a.toString())));
        long streams = Simulators.a().requests().count("GET /v2/projects/{project_id}/notifications/ws");
        // made by another GNS3 client (its GUI, a script), not through Labfleet
        String projectId = io.restassured.RestAssured.given().baseUri(Simulators.a().baseUrl())
                .contentType("application/json").body(Map.of("name", "outside-" + UUID.randomUUID()))
                .post("/v2/projects").then().statusCode(201).extract().path("project_id");
        await().atMost(Duration.ofSeconds(10)).until(() -> Simulators.a().requests()
                .count("GET /v2/projects/{project_id}/notifications/ws") > streams);
        String node = io.restassured.RestAssured.given().baseUri(Simulators.a().baseUrl())
                .contentType("application/json").body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
        await().atMost(Duration.ofSeconds(10)).until(() -> poll().stream().anyMatch(r ->
                r.value().type().equals("gns3.node.created") && node.equals(r.value().subject())
                        && projectId.equals(r.key())));
        io.restassured.RestAssured.given().baseUri(Simulators.a().baseUrl()).delete("/v2/projects/" + projectId)
                .then().statusCode(204);
    }

    @Test
    void afterAnOutageTheBridgeReconnectsResyncsAndHealthChangesArePublished() {
        UUID b = server("sim-b", Simulators.b().baseUrl());
        String projectId = UUID.randomUUID().toString();
        Api.json().body(Map.of("name", "resync-" + projectId, "project_id", projectId))
                .post("/api/v1/servers/" + b + "/projects").then().statusCode(201);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                Api.json().get("/api/v1/servers/" + b + "/health").then().statusCode(200)
                        .body("status", equalTo("UP")).body("recent.size()", greaterThan(0)));
        seen.clear();

        Simulators.b().faults().outage();
        await().atMost(Duration.ofSeconds(20)).until(() -> poll().stream().anyMatch(r ->
                r.value().type().equals("gns3.server.health-changed") && b.toString().equals(r.key())
                        && "DOWN".equals(r.value().data().path("status").asText())));
        Api.json().get("/api/v1/servers/" + b + "/health").then().body("status", equalTo("DOWN"))
                .body("uptimePercent24h", notNullValue());
        assertThat(io.restassured.RestAssured.get("/q/metrics").asString())
                .contains("gns3_server_up{server=\"sim-b\"} 0.0");

        seen.clear();
        Simulators.b().faults().restore();
        await().atMost(Duration.ofSeconds(30)).until(() -> poll().stream().anyMatch(r ->
                r.value().type().equals("gns3.project.resynced") && projectId.equals(r.key())
                        && projectId.equals(r.value().data().path("project").path("project_id").asText())
                        && r.value().data().path("nodes").isArray()));
        await().atMost(Duration.ofSeconds(20)).until(() -> poll().stream().anyMatch(r ->
                r.value().type().equals("gns3.server.health-changed") && b.toString().equals(r.key())
                        && "UP".equals(r.value().data().path("status").asText())));
        Api.json().delete("/api/v1/servers/" + b + "/projects/" + projectId).then().statusCode(204);
    }
}
