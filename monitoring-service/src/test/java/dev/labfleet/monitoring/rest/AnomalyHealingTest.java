package dev.labfleet.monitoring.rest;

import dev.labfleet.monitoring.service.AlertDeliverer;
import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * A node stopped behind the suite's back: an anomaly, a restart by the lab's healing policy (recorded as an
 * incident), the anomaly resolved; its alert reaches a webhook that fails three times, once by idempotency key, signed.
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class AnomalyHealingTest {

    private static final String SECRET = "a-webhook-secret-of-the-test";

    record Call(String key, String timestamp, String signature, String body, int answered) {
    }

    private final Vertx vertx = Vertx.vertx();
    private HttpServer receiver;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger(3);

    @BeforeEach
    void start() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
        receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            int status = failuresLeft.getAndDecrement() > 0 ? 503 : 200;
            calls.add(new Call(req.getHeader("Idempotency-Key"), req.getHeader("X-Labfleet-Timestamp"),
                    req.getHeader("X-Labfleet-Signature"), body.toString(), status));
            req.response().setStatusCode(status).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aNodeStoppedBehindTheSuitesBackIsAnAnomalyHealedRecordedAndAlertedOnce() {
        String rule = given().contentType("application/json").body(Map.of("name", "ops", "url",
                        "http://127.0.0.1:" + receiver.actualPort() + "/hook", "secret", SECRET,
                        "minSeverity", "warning", "kinds", List.of("node-stopped")))
                .post("/api/v1/monitoring/alert-rules").then().statusCode(201)
                .body("secretSet", equalTo(true)).body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("secret")))
                .extract().path("id");
        String p = Labs.project();
        String pc1 = Labs.vpcs(p, "PC1");
        String pc2 = Labs.vpcs(p, "PC2");
        Labs.start(p, pc1);
        Labs.start(p, pc2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p)
                .then().body("lab.runningNodes", equalTo(2)));
        given().contentType("application/json").body("{\"enabled\":true,\"maxRestarts\":2,\"windowSeconds\":600}")
                .put("/api/v1/monitoring/healing/" + p).then().statusCode(200).body("maxRestarts", equalTo(2));

        Labs.stopBehindTheBack(p, pc1);

        String anomalyId = await().atMost(Duration.ofSeconds(20)).until(() -> given().queryParam("projectId", p)
                .queryParam("kind", "node-stopped").get("/api/v1/anomalies").then().statusCode(200)
                .extract().<String>path("items[0].id"), id -> id != null);
        Map<String, Object> incident = await().atMost(Duration.ofSeconds(20)).until(() -> given()
                .queryParam("projectId", p).get("/api/v1/monitoring/incidents").then().statusCode(200)
                .extract().<Map<String, Object>>path("[0]"), i -> i != null);
        assertThat(incident).containsEntry("action", "restart-node").containsEntry("outcome", "succeeded")
                .containsEntry("objectId", pc1).containsEntry("anomalyId", anomalyId);
        assertThat(incident.get("steps").toString()).contains("start node");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/monitoring/labs/" + p)
                .then().body("lab.runningNodes", equalTo(2)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/anomalies/" + anomalyId)
                .then().statusCode(200).body("status", equalTo("resolved")).body("kind", equalTo("node-stopped"))
                .body("evidence.name", equalTo("PC1")));

        // the webhook: three failures, then one success; the same key every time; each attempt signed
        await().atMost(Duration.ofSeconds(30)).until(() -> calls.stream().anyMatch(c -> c.answered() == 200));
        List<Call> mine = calls.stream().filter(c -> c.body().contains(anomalyId)).toList();
        assertThat(mine).hasSize(4);
        assertThat(mine).extracting(Call::key).containsOnly(mine.get(0).key());
        assertThat(mine).extracting(Call::answered).containsExactly(503, 503, 503, 200);
        for (Call c : mine) {
            assertThat(c.signature()).isEqualTo(AlertDeliverer.sign(SECRET, c.timestamp(), c.body()));
        }
        // the receiver's 200 is seen before the deliverer has written it down: await the record
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().queryParam("anomalyId", anomalyId)
                .get("/api/v1/monitoring/alert-deliveries").then()
                .body("[0].status", equalTo("delivered")).body("[0].attempts", equalTo(4))
                .body("[0].id", equalTo(mine.get(0).key())));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() ->
                calls.stream().filter(c -> c.body().contains(anomalyId)).count() == 4);
        given().delete("/api/v1/monitoring/alert-rules/" + rule).then().statusCode(204);

        // the SIEM export holds it
        String lines = given().get("/api/v1/anomalies/export").then().statusCode(200).extract().asString();
        assertThat(lines.lines().filter(l -> l.contains(anomalyId))).hasSize(1);
    }

    @Test
    void anomaliesArePagedByCursorAndBadInputIsRefused() {
        given().queryParam("limit", 1).get("/api/v1/anomalies").then().statusCode(200);
        given().queryParam("status", "weird").get("/api/v1/anomalies").then().statusCode(400)
                .body("violations[0].field", equalTo("status"));
        given().queryParam("cursor", "garbage").get("/api/v1/anomalies").then().statusCode(400);
        given().get("/api/v1/anomalies/" + UUID.randomUUID()).then().statusCode(404);
        given().post("/api/v1/anomalies/nope/acknowledge").then().statusCode(400);
        given().contentType("application/json").body("{\"name\":\"x\",\"url\":\"ftp://x\",\"secret\":\"0123456789abcdef\"}")
                .post("/api/v1/monitoring/alert-rules").then().statusCode(400).body("violations[0].field", equalTo("url"));
        given().contentType("application/json").body("{\"name\":\"x\",\"url\":\"http://x\",\"secret\":\"short\"}")
                .post("/api/v1/monitoring/alert-rules").then().statusCode(400)
                .body("violations[0].field", equalTo("secret"));
        given().contentType("application/json").body("{\"enabled\":1}").put("/api/v1/monitoring/healing/"
                + UUID.randomUUID()).then().statusCode(400).body("violations[0].field", equalTo("enabled"));
        given().queryParam("since", "yesterday").get("/api/v1/anomalies/export").then().statusCode(400);
    }
}
