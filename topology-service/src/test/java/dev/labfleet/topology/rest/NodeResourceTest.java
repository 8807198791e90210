package dev.labfleet.topology.rest;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

/** Nodes through topology-service on a simulated GNS3: CRUD, labels, lifecycle, console, validation. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class NodeResourceTest {

    private static String nodes(String projectId) {
        return "/api/v1/projects/" + projectId + "/nodes";
    }

    @Test
    void nodesAreCreatedFromTemplatesAndTypesUpdatedAndDeleted() {
        String lab = SimLabs.project();
        String pc1 = given().contentType(ContentType.JSON)
                .body(Map.of("name", "PC1", "template", "vpcs", "x", -150, "y", 150, "labels", Map.of("role", "host")))
                .when().post(nodes(lab)).then().statusCode(201)
                .header("Location", containsString("/nodes/"))
                .body("name", equalTo("PC1")).body("node_type", equalTo("vpcs"))
                .body("template_id", equalTo("19021f99-e36f-394d-b4a1-8aaa902ab9cc"))
                .body("x", equalTo(-150)).body("labels.role", equalTo("host"))
                .body("ports[0].short_name", equalTo("e0"))
                .extract().path("node_id");
        String sw = given().contentType(ContentType.JSON)
                .body(Map.of("name", "SW1", "node_type", "ethernet_switch", "properties", Map.of("ports_mapping",
                        java.util.List.of(Map.of("name", "Uplink", "port_number", 0, "type", "access", "vlan", 1),
                                Map.of("name", "Access1", "port_number", 1, "type", "access", "vlan", 1)))))
                .when().post(nodes(lab)).then().statusCode(201)
                .body("ports.name", containsInAnyOrder("Uplink", "Access1")).extract().path("node_id");

        given().when().get(nodes(lab)).then().statusCode(200)
                .body("name", containsInAnyOrder("PC1", "SW1"))
                .body("find { it.name == 'PC1' }.labels.role", equalTo("host"));
        // GNS3 itself has the node where the API says it is
        SimLabs.gns3().when().get("/v2/projects/" + lab + "/nodes/" + pc1).then().body("x", equalTo(-150));

        given().contentType(ContentType.JSON).body(Map.of("name", "PC9", "x", 10, "labels", Map.of("role", "client")))
                .when().put(nodes(lab) + "/" + pc1).then().statusCode(200)
                .body("name", equalTo("PC9")).body("x", equalTo(10)).body("y", equalTo(150))
                .body("labels.role", equalTo("client"));
        given().when().get(nodes(lab) + "/" + pc1).then().statusCode(200)
                .body("name", equalTo("PC9")).body("labels.role", equalTo("client"));

        given().when().delete(nodes(lab) + "/" + sw).then().statusCode(204);
        given().when().get(nodes(lab)).then().statusCode(200).body("name", containsInAnyOrder("PC9"));
        given().when().get(nodes(lab) + "/" + sw).then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void nodeWritesRecordLabTopologyEventsKeyedByTheProject() {
        String lab = SimLabs.project();
        String pc = given().contentType(ContentType.JSON).body(Map.of("name", "PC1", "node_type", "vpcs"))
                .when().post(nodes(lab)).then().statusCode(201).extract().path("node_id");
        given().contentType(ContentType.JSON).body(Map.of("x", 5)).when().put(nodes(lab) + "/" + pc).then().statusCode(200);
        given().when().delete(nodes(lab) + "/" + pc).then().statusCode(204);

        String bootstrap = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("kafka.bootstrap.servers", String.class);
        java.util.List<String> seen = new java.util.ArrayList<>();
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", bootstrap, "group.id", "topology-test-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest",
                "key.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName(),
                "value.deserializer", org.apache.kafka.common.serialization.StringDeserializer.class.getName()))) {
            consumer.subscribe(java.util.List.of(TestTopics.of(dev.labfleet.common.event.Topics.LAB_TOPOLOGY)));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> {
                consumer.poll(java.time.Duration.ofMillis(500)).forEach(r -> {
                    if (lab.equals(r.key())) {
                        dev.labfleet.common.testing.EventContract.assertValid(dev.labfleet.common.event.Topics.LAB_TOPOLOGY, r.key(),
                                r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        seen.add(dev.labfleet.common.event.CloudEventCodec.fromBytes(r.value().getBytes(
                                java.nio.charset.StandardCharsets.UTF_8)).type());
                    }
                });
                return seen.size() >= 3;
            });
        }
        org.assertj.core.api.Assertions.assertThat(seen).containsExactly(
                dev.labfleet.common.event.EventTypes.LAB_NODE_CREATED, dev.labfleet.common.event.EventTypes.LAB_NODE_UPDATED,
                dev.labfleet.common.event.EventTypes.LAB_NODE_DELETED);
    }

    @Test
    void aCreateRetriedWithItsNodeIdAnswersTheFirstNodeAndATakenNameIsAConflict() {
        String lab = SimLabs.project();
        String id = UUID.randomUUID().toString();
        Map<String, Object> body = Map.of("node_id", id, "name", "R1", "node_type", "vpcs");
        given().contentType(ContentType.JSON).body(body).when().post(nodes(lab)).then().statusCode(201)
                .body("node_id", equalTo(id));
        given().contentType(ContentType.JSON).body(body).when().post(nodes(lab)).then().statusCode(200)
                .body("node_id", equalTo(id));
        given().when().get(nodes(lab)).then().body("$", hasSize(1));

        given().contentType(ContentType.JSON).body(Map.of("name", "R1", "node_type", "vpcs"))
                .when().post(nodes(lab)).then().statusCode(409).body("detail", containsString("R1"));
        given().contentType(ContentType.JSON)
                .body(Map.of("node_id", id, "name", "R2", "node_type", "vpcs"))
                .when().post(nodes(lab)).then().statusCode(409).body("detail", containsString(id));
    }

    @Test
    void invalidCreatesAre400sWithTheFieldPath() {
        String lab = SimLabs.project();
        given().contentType(ContentType.JSON).body(Map.of("name", "X", "node_type", "toaster"))
                .when().post(nodes(lab)).then().statusCode(400)
                .body("violations[0].field", equalTo("node_type"));
        given().contentType(ContentType.JSON).body(Map.of("name", "X", "template", "VPCS", "node_type", "vpcs"))
                .when().post(nodes(lab)).then().statusCode(400)
                .body("violations[0].field", equalTo("node_type"));
        given().contentType(ContentType.JSON).body(Map.of("name", "X", "template", "No such template"))
                .when().post(nodes(lab)).then().statusCode(400)
                .body("violations[0].field", equalTo("template"));
        given().contentType(ContentType.JSON).body(Map.of("name", "a:b", "node_type", "vpcs", "x", 1_000_000))
                .when().post(nodes(lab)).then().statusCode(400)
                .body("violations.field", containsInAnyOrder("name", "x"));
        given().contentType(ContentType.JSON).body(Map.of("name", "X", "node_type", "vpcs"))
                .when().post(nodes(UUID.randomUUID().toString())).then().statusCode(404);
    }

    @Test
    void nodesStartStopAndShowTheirConsole() {
        String lab = SimLabs.project();
        String pc = given().contentType(ContentType.JSON).body(Map.of("name", "PC1", "node_type", "vpcs"))
                .when().post(nodes(lab)).then().statusCode(201).extract().path("node_id");
        given().when().post(nodes(lab) + "/" + pc + "/start").then().statusCode(200).body("node_id", equalTo(pc));
        SimLabs.gns3().when().get("/v2/projects/" + lab + "/nodes/" + pc).then().body("status", equalTo("started"));
        given().when().get(nodes(lab) + "/" + pc).then().body("status", equalTo("started"));

        given().when().get(nodes(lab) + "/" + pc + "/console").then().statusCode(200)
                .body("type", equalTo("telnet")).body("host", notNullValue())
                .body("port", greaterThanOrEqualTo(5000)).body("name", equalTo("PC1"));

        given().when().post(nodes(lab) + "/" + pc + "/stop").then().statusCode(200);
        SimLabs.gns3().when().get("/v2/projects/" + lab + "/nodes/" + pc).then().body("status", equalTo("stopped"));
        given().when().post(nodes(lab) + "/" + pc + "/explode").then().statusCode(404);

        String hub = SimLabs.node(lab, "HUB1", "ethernet_hub");
        given().when().get(nodes(lab) + "/" + hub + "/console").then().statusCode(409)
                .body("detail", containsString("HUB1"));
    }
}
