package dev.labfleet.project.messaging;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/**
 * A GNS3 notification older than the lab's last recorded change is stale: a snapshot restore makes GNS3 close and
 * reopen the project before it answers, and the close heard before that answer must not turn the restored lab closed
 * until the reopen is consumed (EventContractIT had a start refused 409 "lab is closed" right after a restore).
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class StaleStatusTest {

    @Inject
    Gns3EventsConsumer consumer;

    private static CloudEvent closed(String projectId, String serverId, OffsetDateTime at) {
        ObjectNode data = CloudEventCodec.mapper().createObjectNode().put("project_id", projectId)
                .put("name", "gns3-name").put("status", "closed");
        return new CloudEvent("1.0", UUID.randomUUID().toString(),
                URI.create("urn:labfleet:gns3-server:" + serverId), "gns3.project.closed", projectId, at,
                "application/json", data);
    }

    private void consume(CloudEvent event) throws Throwable {
        VertxContextSupport.subscribeAndAwait(() -> consumer.consume(event));
    }

    @Test
    void aCloseHeardBeforeTheLabsLastChangeIsSkippedALaterOneApplies() throws Throwable {
        Map<String, Object> lab = given().contentType(ContentType.JSON).body(Map.of("name", "stale-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().jsonPath().getMap("");
        String id = (String) lab.get("projectId");
        String server = (String) lab.get("serverId");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);

        consume(closed(id, server, now.minusSeconds(30)));
        given().when().get("/api/v1/projects/" + id + "?counts=false").then().statusCode(200)
                .body("status", equalTo("opened"));

        consume(closed(id, server, OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1)));
        given().when().get("/api/v1/projects/" + id + "?counts=false").then().statusCode(200)
                .body("status", equalTo("closed"));
    }
}
