package dev.labfleet.project.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.project.support.GatewayStandIn;
import dev.labfleet.project.support.Gns3NotificationBridge;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A lab's status follows GNS3 when its project is closed or opened outside Labfleet: in the GNS3 GUI, by a script, or
 * by GNS3 itself (auto_close, 5 s after the project's last notification client left). GNS3 2.2 says so on its
 * controller stream ({@code project.closed}, {@code project.opened}: 09-notifications.json); the gateway bridges it
 * to gns3.events ({@link Gns3NotificationBridge} here), or resyncs the project when it was not listening.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class StatusFollowsGns3Test {

    private static final Duration FOLLOWS = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private static RequestSpecification gns3() {
        return given().baseUri(GatewayStandIn.simulator().baseUrl()).contentType(ContentType.JSON);
    }

    private static Gns3NotificationBridge bridge() throws Exception {
        return Gns3NotificationBridge.connect(GatewayStandIn.simulator().baseUrl(), GatewayStandIn.SERVER_ID);
    }

    private static String createLab(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/v1/projects")
                .then().statusCode(201).body("status", equalTo("opened"))
                .body("serverId", equalTo(GatewayStandIn.SERVER_ID.toString())).extract().path("projectId");
    }

    private static String status(String id) {
        return given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("status");
    }

    private static int runningNodes(String owner) {
        return given().when().get("/api/v1/quotas/owner/" + owner).then().statusCode(200)
                .extract().path("usage.runningNodes");
    }

    @Test
    void aLabClosedAndOpenedStraightOnGns3FollowsWithOneEventPerChange() throws Exception {
        String owner = "follows-" + UUID.randomUUID();
        String id = createLab(Map.of("name", "follows-" + UUID.randomUUID(), "owner", owner));
        for (String name : List.of("PC1", "PC2")) {
            gns3().body(Map.of("name", name, "node_type", "vpcs", "compute_id", "local"))
                    .when().post("/v2/projects/" + id + "/nodes").then().statusCode(201);
        }
        String start = given().contentType(ContentType.JSON).body(Map.of("batchSize", 2, "delayMs", 0))
                .when().post("/api/v1/projects/" + id + "/start").then().statusCode(202).extract().header("Location");
        await().atMost(FOLLOWS).until(() -> given().when().get(start).then().statusCode(200).extract().path("status"),
                equalTo("succeeded"));
        assertThat(runningNodes(owner)).isEqualTo(2);

        try (Gns3NotificationBridge ignored = bridge()) {
            // closed in the GNS3 GUI: GNS3 stops the nodes and closes the project, Labfleet is not asked
            gns3().when().post("/v2/projects/" + id + "/close").then().statusCode(204);
            await().atMost(FOLLOWS).until(() -> status(id), equalTo("closed"));
            assertThat(runningNodes(owner)).as("the nodes GNS3 stopped no longer count").isZero();
            // Labfleet's own close of the closed lab: GNS3 has nothing to do, the lab nothing to record
            given().when().post("/api/v1/projects/" + id + "/close").then().statusCode(200)
                    .body("status", equalTo("closed"));

            gns3().when().post("/v2/projects/" + id + "/open").then().statusCode(201);
            await().atMost(FOLLOWS).until(() -> status(id), equalTo("opened"));
            given().when().post("/api/v1/projects/" + id + "/open").then().statusCode(200)
                    .body("status", equalTo("opened"));
        }
        given().when().delete("/api/v1/projects/" + id).then().statusCode(204);

        List<CloudEvent> events = TopicReader.events(bootstrap, "lab.projects", id, FOLLOWS,
                read -> read.stream().anyMatch(e -> e.type().equals("lab.project.deleted")));
        assertThat(events).extracting(CloudEvent::type)
                .filteredOn(type -> type.equals("lab.project.closed") || type.equals("lab.project.opened"))
                .as("each change once: GNS3's, not again for Labfleet's own close and open that changed nothing")
                .containsExactly("lab.project.closed", "lab.project.opened");
        assertThat(events).filteredOn(e -> e.type().equals("lab.project.closed")).singleElement()
                .satisfies(e -> assertThat(e.data().get("status").asText()).isEqualTo("closed"));
    }

    @Test
    void anAutoCloseLabGns3ClosesWhenItsLastNotificationClientLeftIsClosed() throws Exception {
        String id = createLab(Map.of("name", "auto-closed-" + UUID.randomUUID(), "autoClose", true));
        try (Gns3NotificationBridge ignored = bridge()) {
            // a client of the project's notification stream (the GNS3 GUI, or the gateway's bridge) comes and goes
            URI simulator = URI.create(GatewayStandIn.simulator().baseUrl());
            WebSocket client = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create("ws://"
                            + simulator.getHost() + ":" + simulator.getPort() + "/v2/projects/" + id + "/notifications/ws"),
                    new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            client.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);

            // GNS3 closes it about 5 s later, by itself
            await().atMost(FOLLOWS).until(() -> status(id), equalTo("closed"));
            gns3().when().get("/v2/projects/" + id).then().statusCode(200).body("status", equalTo("closed"));
        }
    }

    @Test
    void aLabClosedWhileNoBridgeListenedIsClosedByTheResyncAfterwards() throws Exception {
        String id = createLab(Map.of("name", "closed-unheard-" + UUID.randomUUID()));
        // the gateway away (a restart): GNS3 closes the project and nobody hears it
        gns3().when().post("/v2/projects/" + id + "/close").then().statusCode(204);
        assertThat(status(id)).isEqualTo("opened");

        try (Gns3NotificationBridge bridge = bridge()) {
            bridge.resync(id); // the gateway back: every project of the server resynced
            await().atMost(FOLLOWS).until(() -> status(id), equalTo("closed"));

            gns3().when().post("/v2/projects/" + id + "/open").then().statusCode(201);
            await().atMost(FOLLOWS).until(() -> status(id), equalTo("opened"));
        }
    }
}
