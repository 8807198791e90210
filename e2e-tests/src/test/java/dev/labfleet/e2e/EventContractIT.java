package dev.labfleet.e2e;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.testing.EventContract;
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

/**
 * The event contract on the running suite: a lab is created, applied, changed node by node and link by link,
 * snapshotted, started, stopped, closed, opened and deleted through the public APIs, and every event that its life
 * put on lab.projects, lab.topology and gns3.events validates against docs/asyncapi.yaml and its schemas
 * (TopicReader holds each event to {@link EventContract}; any event that breaks it fails this test).
 */
@ExtendWith(Suite.Extension.class)
class EventContractIT {

    private static RequestSpecification service(String name) {
        return given().baseUri(Suite.current().service(name).baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    @Test
    void everyEventOfALabsLifeKeepsTheContract() {
        await("the simulator registered by the gateway").atMost(Duration.ofSeconds(30))
                .until(() -> service("gateway").when().get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getList("items"), items -> !items.isEmpty());
        String projectId = service("project").body(Map.of("name", "contract-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        String lab = "/api/v1/projects/" + projectId;

        // applied: a generated spec, then nodes and links one by one through topology-service
        String spec = service("topology").body(Map.of("shape", "spine-leaf", "name", "fabric", "spines", 1,
                "leaves", 2, "hostsPerLeaf", 1)).when().post("/api/v1/topologies/generate").then().statusCode(200)
                .extract().asString();
        service("topology").queryParam("wait", "5m").body(spec).when().put(lab + "/topology").then().statusCode(200)
                .body("status", equalTo("APPLIED"));
        String x1 = service("topology").body(Map.of("name", "X1", "node_type", "vpcs")).when().post(lab + "/nodes")
                .then().statusCode(201).extract().path("node_id");
        String x2 = service("topology").body(Map.of("name", "X2", "node_type", "vpcs", "labels", Map.of("role", "probe")))
                .when().post(lab + "/nodes").then().statusCode(201).extract().path("node_id");
        service("topology").body(Map.of("x", 40)).when().put(lab + "/nodes/" + x1).then().statusCode(200);
        String link = service("topology").body(Map.of("a", "X1:e0", "b", "X2:e0", "conditions", Map.of("delay", 10)))
                .when().post(lab + "/links").then().statusCode(201).extract().path("link_id");
        service("topology").body(Map.of("delay", 20)).when().put(lab + "/links/" + link + "/conditions").then().statusCode(200);
        service("topology").when().delete(lab + "/links/" + link).then().statusCode(204);
        service("topology").when().delete(lab + "/nodes/" + x2).then().statusCode(204);

        // snapshots, start, stop, close, open, delete through project-service
        String snapshot = service("project").body(Map.of("name", "before-start")).when().post(lab + "/snapshots")
                .then().statusCode(201).extract().path("snapshotId");
        service("project").when().post(lab + "/snapshots/" + snapshot + "/restore").then().statusCode(200);
        service("project").when().delete(lab + "/snapshots/" + snapshot).then().statusCode(204);
        awaitOperation(service("project").body(Map.of("batchSize", 2, "delayMs", 20)).when().post(lab + "/start")
                .then().statusCode(202).extract().header("Location"));
        awaitOperation(service("project").when().post(lab + "/stop").then().statusCode(202).extract().header("Location"));
        service("project").when().post(lab + "/close").then().statusCode(200);
        service("project").when().post(lab + "/open").then().statusCode(200);
        service("project").when().delete(lab).then().statusCode(204);

        List<CloudEvent> projects = events("lab.projects", projectId, types -> types.contains("lab.project.deleted"));
        assertThat(projects).extracting(CloudEvent::type).containsSubsequence("lab.project.created",
                "lab.project.snapshot-created", "lab.project.snapshot-restored", "lab.project.snapshot-deleted",
                "lab.project.started", "lab.project.stopped", "lab.project.closed", "lab.project.opened",
                "lab.project.deleted");
        List<CloudEvent> topology = events("lab.topology", projectId, types -> types.contains("lab.topology.node-deleted"));
        assertThat(topology).extracting(CloudEvent::type).containsSubsequence("lab.topology.applied",
                "lab.topology.node-created", "lab.topology.node-created", "lab.topology.node-updated",
                "lab.topology.link-created", "lab.topology.link-updated", "lab.topology.link-deleted",
                "lab.topology.node-deleted");
        List<CloudEvent> gns3 = events("gns3.events", projectId, types -> types.contains("gns3.project.deleted"));
        assertThat(gns3).extracting(CloudEvent::type).contains("gns3.node.created", "gns3.link.created",
                "gns3.node.updated", "gns3.project.deleted");
        assertThat(projects).allSatisfy(e -> assertThat(e.dataschema()).hasToString(
                "urn:labfleet:schema:" + e.type() + ":1"));

        // the check bites on real events: any required field a producer left out would have failed the reads above
        for (CloudEvent event : List.of(projects.get(0), topology.get(0))) {
            String topic = event.type().startsWith("lab.project.") ? "lab.projects" : "lab.topology";
            byte[] real = CloudEventCodec.toBytes(event);
            assertThat(EventContract.violations(topic, projectId, real)).isEmpty();
            assertThat(EventContract.violations(topic, projectId, EventContract.without(real, "projectId")))
                    .anyMatch(v -> v.contains("projectId"));
        }
    }

    private static void awaitOperation(String operation) {
        await("operation " + operation).atMost(Duration.ofSeconds(60)).until(
                () -> service("project").when().get(operation).then().statusCode(200).extract().path("status"),
                status -> !"running".equals(status));
    }

    /** The events of one key, each held to the contract by TopicReader as it is read. */
    private static List<CloudEvent> events(String topic, String key, Predicate<List<String>> complete) {
        return TopicReader.events(E2e.env("KAFKA_BOOTSTRAP", "127.0.0.1:9092"), topic, key, Duration.ofSeconds(90),
                events -> complete.test(events.stream().map(CloudEvent::type).toList()));
    }
}
