package dev.labfleet.project.rest;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.common.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

/** Listing and reading labs from the real PostgreSQL, and their status following GNS3 events on the real Kafka. */
@QuarkusTest
class ProjectQueryTest {

    @Inject
    Pool db;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private UUID insert(UUID serverId, String name, String status, String... tags) {
        UUID id = UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        db.preparedQuery("insert into project (id, name, owner, server_id, status, tags, auto_start, auto_close, "
                        + "created_at, updated_at, version) values ($1, $2, 'alice', $3, $4, $5, false, true, $6, $6, 0)")
                .execute(Tuple.from(List.of(id, name, serverId, status, tags, now)))
                .await().atMost(Duration.ofSeconds(10));
        return id;
    }

    @Test
    void listFiltersByServerAndTagAndPagesWithACursor() {
        UUID server = UUID.randomUUID();
        insert(server, "bgp-lab", "OPENED", "bgp", "training");
        insert(server, "ospf-lab", "CLOSED", "ospf");
        insert(server, "mpls-lab", "OPENED", "bgp");
        insert(UUID.randomUUID(), "other-server-lab", "OPENED", "bgp");

        Response first = given().queryParam("serverId", server).queryParam("limit", 2)
                .when().get("/api/v1/projects").then().statusCode(200)
                .body("items.name", contains("bgp-lab", "ospf-lab"))
                .extract().response();
        given().queryParam("serverId", server).queryParam("limit", 2)
                .queryParam("cursor", first.jsonPath().getString("nextCursor"))
                .when().get("/api/v1/projects").then().statusCode(200)
                .body("items.name", contains("mpls-lab"))
                .body("nextCursor", nullValue());

        given().queryParam("serverId", server).queryParam("tag", "bgp")
                .when().get("/api/v1/projects").then().statusCode(200)
                .body("items.name", contains("bgp-lab", "mpls-lab"));
        given().queryParam("serverId", server).queryParam("status", "closed").queryParam("name", "OSPF")
                .when().get("/api/v1/projects").then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].status", equalTo("closed"));
    }

    @Test
    void badQueryParametersAreProblemsNamingTheParameter() {
        given().queryParam("limit", 0).when().get("/api/v1/projects")
                .then().statusCode(400).body("violations[0].field", equalTo("limit"));
        given().queryParam("status", "running").when().get("/api/v1/projects")
                .then().statusCode(400).body("violations[0].field", equalTo("status"));
        given().queryParam("cursor", "bm90LWEtY3Vyc29y").when().get("/api/v1/projects")
                .then().statusCode(400).body("violations[0].field", equalTo("cursor"));
        given().queryParam("serverId", "not-a-uuid").when().get("/api/v1/projects")
                .then().statusCode(400).body("violations[0].field", equalTo("serverId"));
    }

    @Test
    void unknownProjectIsA404NamingIt() {
        UUID id = UUID.randomUUID();
        given().when().get("/api/v1/projects/" + id)
                .then().statusCode(404).contentType("application/problem+json")
                .body("projectId", equalTo(id.toString()));
    }

    @Test
    void statusFollowsGns3EventsAndIsRepublishedAsALabEvent() {
        UUID id = insert(UUID.randomUUID(), "follow-me", "OPENED");
        try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
            producer.send(new ProducerRecord<>(TestTopics.of("gns3.events"), id.toString(), CloudEvent.of(
                    URI.create("http://127.0.0.1:3080"), "gns3.project.closed", id.toString(),
                    CloudEventCodec.mapper().createObjectNode().put("project_id", id.toString()).put("status", "closed"))));
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().when().get("/api/v1/projects/" + id).then().statusCode(200).body("status", equalTo("closed")));

        List<CloudEvent> published = TopicReader.events(bootstrap, "lab.projects", id.toString(),
                Duration.ofSeconds(30), events -> !events.isEmpty());
        assertThat(published).extracting(CloudEvent::type).containsExactly("lab.project.closed");
        assertThat(published.get(0).data().get("status").asText()).isEqualTo("closed");
    }
}
