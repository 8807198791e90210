package dev.labfleet.search.dashboard;

import dev.labfleet.search.cache.DashboardCache;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Fleet dashboards: per-source timeouts, the cache tiers, invalidation by events; and users' own dashboards. */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class DashboardTest {

    @Inject
    DashboardCache cache;

    @Inject
    io.quarkus.redis.datasource.RedisDataSource redis;

    @Inject
    dev.labfleet.search.config.SearchConfig config;

    private static JsonPath get(String name) {
        return RestAssured.given().get("/api/v1/dashboards/" + name).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aStoppedSourceMakesItsSectionUnavailableAndTheRestAnswersWithinTheTimeout() {
        SourcesStandIn.put("monitoring", "/api/v1/monitoring/fleet",
                "{\"servers\":[{\"serverId\":\"s1\",\"name\":\"gns3-a\",\"status\":\"UP\",\"cpuPercent\":12.5}],\"labs\":[]}");
        SourcesStandIn.put("monitoring", "/api/v1/monitoring/traffic/links/top",
                "[{\"linkId\":\"l1\",\"projectId\":\"p1\",\"labName\":\"ospf\",\"bps\":64000.0}]");
        cache.evict("network").await().atMost(Duration.ofSeconds(5));
        JsonPath up = get("network");
        assertThat(up.getString("sections.servers.status")).isEqualTo("ok");
        assertThat(up.getString("sections.servers.data[0].name")).isEqualTo("gns3-a");
        assertThat(up.getString("sections.busiestLinks.status")).isEqualTo("ok");
        assertThat(up.getString("sections.busiestLinks.data[0].linkId")).isEqualTo("l1");

        SourcesStandIn.mode("monitoring", SourcesStandIn.Mode.HANGING);
        try {
            cache.evict("network").await().atMost(Duration.ofSeconds(5));
            long start = System.nanoTime();
            JsonPath down = get("network");
            long ms = (System.nanoTime() - start) / 1_000_000;
            // the source hangs for ever: an answer at all, well before RestAssured would give up, shows the 1.5 s
            // per-source timeout cut it (the bound leaves a loaded machine room)
            assertThat(ms).as("answered after %d ms", ms).isLessThan(1500 + 3500);
            assertThat(down.getString("sections.servers.status")).isEqualTo("unavailable");
            assertThat(down.getString("sections.servers.reason")).isEqualTo("timed out after 1500 ms");
            assertThat(down.getString("sections.labsByStatus.status")).isEqualTo("ok");
            assertThat(down.getString("sections.nodesByType.status")).isEqualTo("ok");

            await().atMost(Duration.ofSeconds(10)).until(() -> {
                cache.evict("system").await().atMost(Duration.ofSeconds(5));
                return get("system").getList("sections.services.data.findAll { it.service == 'monitoring-service' }.status")
                        .contains("DOWN");
            });
            JsonPath system = get("system");
            assertThat(system.getList("sections.services.data.findAll { it.service == 'project-service' }.status"))
                    .containsExactly("UP");
            assertThat(system.getString("sections.kafkaLag.status")).isEqualTo("ok");
        } finally {
            SourcesStandIn.mode("monitoring", SourcesStandIn.Mode.UP);
        }
        SourcesStandIn.mode("project", SourcesStandIn.Mode.FAILING);
        try {
            // (a refresh started before the switch, by the suite's own event traffic, may answer first)
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                cache.evict("system").await().atMost(Duration.ofSeconds(5));
                return get("system").getList("sections.services.data.findAll { it.service == 'project-service' }.reason")
                        .contains("HTTP 503");
            });
        } finally {
            SourcesStandIn.mode("project", SourcesStandIn.Mode.UP);
        }
        // security: denials and admin actions from the audit index, bans from the guard's store
        JsonPath security = get("security");
        assertThat(security.getString("sections.authenticationFailures.status")).isEqualTo("ok");
        assertThat(security.getString("sections.bans.status")).isEqualTo("ok");
        assertThat(security.getString("sections.recentAdminActions.status")).isEqualTo("ok");
        assertThat(security.getString("sections.scansAndFloods.status")).isEqualTo("ok");
    }

    @Test
    void aWarmedDashboardAnswersFromTheCacheAndTheHitRatioIsAMetric() {
        cache.refresh("monitoring").await().atMost(Duration.ofSeconds(10));
        JsonPath warm = get("monitoring");
        assertThat(warm.getString("cache.tier")).isIn("local", "redis");
        assertThat(warm.getLong("cache.ageMs")).isGreaterThanOrEqualTo(0);
        String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        double hits = sample(metrics, "labfleet_search_dashboard_cache_total{result=\"hit\",tier=\"local\"}")
                + sample(metrics, "labfleet_search_dashboard_cache_total{result=\"hit\",tier=\"redis\"}");
        assertThat(hits).isGreaterThanOrEqualTo(1);
        assertThat(metrics).contains("labfleet_search_dashboard_cache_hit_ratio{tier=\"local\"}")
                .contains("labfleet_search_dashboard_cache_hit_ratio{tier=\"redis\"}");
        // past the local tier's TTL (2 s in tests) Redis answers, without computing
        cache.refresh("security").await().atMost(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> "redis".equals(get("security").getString("cache.tier")));
    }

    private static double sample(String metrics, String series) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).split(" ")[0]);
            }
        }
        return 0;
    }

    @Test
    void anEventThatChangesAFigureInvalidatesIt() {
        Events.awaitConsumersReady();
        String status = "quarantined" + UUID.randomUUID().toString().replace("-", "").substring(0, 6);
        cache.refresh("network").await().atMost(Duration.ofSeconds(10));
        assertThat(get("network").getMap("sections.labsByStatus.data")).doesNotContainKey(status);
        Events.labEvent("lab.project.created", Events.lab(UUID.randomUUID(), "inv" + status, status), Events.now());
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).until(() ->
                Integer.valueOf(1).equals(get("network").getMap("sections.labsByStatus.data").get(status)));
    }

    /**
     * Another replica (here: the test, speaking on the replicas' Redis channel as one would) invalidates a dashboard
     * after an event only it consumed: this replica stops answering its local copy as fresh at once; when that
     * replica's refresh lands in Redis, this one answers the new figures.
     */
    @Test
    void anotherReplicasInvalidationAndRefreshReachThisReplica() {
        String channel = config.dashboards().keyPrefix() + "dashboard-events";
        String key = config.dashboards().keyPrefix() + "dashboard:security";
        Dashboard mine = cache.refresh("security").await().atMost(Duration.ofSeconds(10));
        JsonPath local = get("security");
        assertThat(local.getString("cache.tier")).isEqualTo("local");
        assertThat(local.getBoolean("cache.stale")).isFalse();

        redis.pubsub(String.class).publish(channel, "other-replica|invalidated|security");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> get("security").getBoolean("cache.stale"));

        // the other replica's refresh: newer figures in Redis, then its message
        java.time.OffsetDateTime newer = mine.computedAt().plusSeconds(1);
        // computedAt as the cached JSON spells it (Jackson drops the trailing zeros of the nanoseconds that
        // OffsetDateTime.toString keeps, so replacing toString's form missed one run in ten)
        String stored = redis.value(String.class).get(key);
        String storedAt;
        try {
            storedAt = new com.fasterxml.jackson.databind.ObjectMapper().readTree(stored).path("computedAt").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new AssertionError("the cached dashboard is not JSON: " + stored, e);
        }
        assertThat(java.time.OffsetDateTime.parse(storedAt)).isEqualTo(mine.computedAt());
        String json = stored.replace("\"computedAt\":\"" + storedAt + "\"", "\"computedAt\":\"" + newer + "\"");
        assertThat(json).contains(newer.toString());
        redis.value(String.class).setex(key, 60, json);
        redis.pubsub(String.class).publish(channel, "other-replica|refreshed|security");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
            JsonPath now = get("security");
            return !now.getBoolean("cache.stale") && !java.time.OffsetDateTime.parse(now.getString("computedAt"))
                    .isBefore(newer);
        });
        // malformed messages and unknown dashboards are ignored and do not end the subscription
        redis.pubsub(String.class).publish(channel, "other-replica|invalidated|finance");
        redis.pubsub(String.class).publish(channel, "garbage");
        redis.pubsub(String.class).publish(channel, "other-replica|invalidated|security");
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                .until(() -> get("security").getBoolean("cache.stale"));
    }

    @Test
    void usersKeepTheirOwnDashboards() {
        String user = "u" + UUID.randomUUID();
        String body = "{\"name\":\"mine\",\"widgets\":[{\"title\":\"routers\",\"type\":\"search\",\"q\":\"kind:node\","
                + "\"limit\":5},{\"title\":\"labs by status\",\"type\":\"aggregate\",\"kind\":\"lab\",\"facet\":\"status\"}]}";
        String id = RestAssured.given().header("X-Labfleet-User", user).contentType("application/json").body(body)
                .post("/api/v1/dashboards/custom").then().statusCode(201).extract().jsonPath().getString("dashboardId");
        RestAssured.given().header("X-Labfleet-User", user).get("/api/v1/dashboards/custom").then().statusCode(200)
                .body("name", hasItem("mine"));
        RestAssured.given().header("X-Labfleet-User", "someone-else").get("/api/v1/dashboards/custom/" + id).then()
                .statusCode(404);
        RestAssured.given().header("X-Labfleet-User", user).get("/api/v1/dashboards/custom/" + id).then().statusCode(200)
                .body("results[0].title", equalTo("routers"))
                .body("results[1].title", equalTo("labs by status"));
        RestAssured.given().header("X-Labfleet-User", user).contentType("application/json").body(body)
                .post("/api/v1/dashboards/custom").then().statusCode(409);
        RestAssured.given().header("X-Labfleet-User", user).contentType("application/json")
                .body(body.replace("\"mine\"", "\"renamed\"")).put("/api/v1/dashboards/custom/" + id).then()
                .statusCode(200).body("name", equalTo("renamed"));
        // bad widgets are a 400 naming the widget
        RestAssured.given().header("X-Labfleet-User", user).contentType("application/json")
                .body("{\"name\":\"bad\",\"widgets\":[{\"title\":\"x\",\"type\":\"aggregate\",\"facet\":\"colour\"}]}")
                .post("/api/v1/dashboards/custom").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("widgets[0].facet"));
        RestAssured.given().header("X-Labfleet-User", user).contentType("application/json")
                .body("{\"name\":\"bad\",\"widgets\":[{\"title\":\"x\",\"type\":\"search\",\"q\":\"r1 & r2\"}]}")
                .post("/api/v1/dashboards/custom").then().statusCode(400)
                .body("detail", org.hamcrest.Matchers.startsWith("widgets[0].q"));
        RestAssured.given().contentType("application/json").body(body).post("/api/v1/dashboards/custom").then()
                .statusCode(400).body("detail", org.hamcrest.Matchers.startsWith("X-Labfleet-User"));
        RestAssured.given().header("X-Labfleet-User", user).delete("/api/v1/dashboards/custom/" + id).then().statusCode(204);
        RestAssured.given().header("X-Labfleet-User", user).get("/api/v1/dashboards/custom/" + id).then().statusCode(404);
        RestAssured.given().get("/api/v1/dashboards/finance").then().statusCode(404);
    }
}
