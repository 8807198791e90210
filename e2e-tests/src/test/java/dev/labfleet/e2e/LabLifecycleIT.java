package dev.labfleet.e2e;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TopicReader;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

/**
 * A lab's life through the public APIs of the running suite: the gateway registers the simulator at start-up,
 * project-service places a lab there, the lab is filled through the gateway, started staggered, exported and
 * deleted, and its events reach Kafka.
 */
@ExtendWith(Suite.Extension.class)
class LabLifecycleIT {

    private static RequestSpecification gateway() {
        return given().baseUri(Suite.current().service("gateway").baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    private static RequestSpecification projects() {
        return given().baseUri(Suite.current().service("project").baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    @Test
    void createFillStartExportAndDeleteALab() {
        String serverId = await("the simulator registered by the gateway").atMost(Duration.ofSeconds(30))
                .until(() -> gateway().when().get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getString("items.find { it.url == '"
                                + Suite.current().simulator().baseUrl() + "' }.id"), id -> id != null);

        String name = "e2e-" + UUID.randomUUID();
        String projectId = projects().body(Map.of("name", name)).when().post("/api/v1/projects")
                .then().statusCode(201).body("serverId", equalTo(serverId)).extract().path("projectId");

        String base = "/api/v1/servers/" + serverId + "/projects/" + projectId;
        String sw = gateway().body(Map.of("name", "SW1", "node_type", "ethernet_switch", "compute_id", "local"))
                .when().post(base + "/nodes").then().statusCode(201).extract().path("node_id");
        for (int i = 1; i <= 3; i++) {
            String pc = gateway().body(Map.of("name", "PC" + i, "node_type", "vpcs", "compute_id", "local"))
                    .when().post(base + "/nodes").then().statusCode(201).extract().path("node_id");
            gateway().body(Map.of("nodes", List.of(
                            Map.of("node_id", pc, "adapter_number", 0, "port_number", 0),
                            Map.of("node_id", sw, "adapter_number", 0, "port_number", i))))
                    .when().post(base + "/links").then().statusCode(201);
        }
        projects().when().get("/api/v1/projects/" + projectId).then().statusCode(200)
                .body("nodeCount", equalTo(4)).body("linkCount", equalTo(3));

        String operation = projects().body(Map.of("batchSize", 2, "delayMs", 100))
                .when().post("/api/v1/projects/" + projectId + "/start")
                .then().statusCode(202).extract().header("Location");
        Map<String, Object> done = await("staggered start").atMost(Duration.ofSeconds(60)).until(
                () -> projects().when().get(operation).then().statusCode(200).extract().jsonPath().getMap(""),
                op -> !"running".equals(op.get("status")));
        assertThat(done).containsEntry("status", "succeeded").containsEntry("total", 4).containsEntry("done", 4);
        gateway().when().get(base + "/nodes").then().statusCode(200).body("status", everyItem(equalTo("started")));

        byte[] archive = projects().when().get("/api/v1/projects/" + projectId + "/export")
                .then().statusCode(200).extract().asByteArray();
        assertThat(new String(archive, 0, 2)).isEqualTo("PK");

        projects().when().post("/api/v1/projects/" + projectId + "/stop").then().statusCode(202);
        projects().when().delete("/api/v1/projects/" + projectId).then().statusCode(204);
        projects().when().get("/api/v1/projects/" + projectId).then().statusCode(404);
        given().baseUri(Suite.current().simulator().baseUrl()).when().get("/v2/projects/" + projectId)
                .then().statusCode(404);

        List<String> types = eventTypes("lab.projects", projectId,
                t -> t.contains("lab.project.deleted"));
        assertThat(types).containsSubsequence("lab.project.created", "lab.project.started", "lab.project.deleted");
    }

    /** The CloudEvent types published for one key, in order, read until {@code complete} holds. */
    static List<String> eventTypes(String topic, String key, Predicate<List<String>> complete) {
        return TopicReader.events(E2e.env("KAFKA_BOOTSTRAP", "127.0.0.1:9092"), topic, key, Duration.ofSeconds(60),
                events -> complete.test(events.stream().map(CloudEvent::type).toList()))
                .stream().map(CloudEvent::type).toList();
    }
}
