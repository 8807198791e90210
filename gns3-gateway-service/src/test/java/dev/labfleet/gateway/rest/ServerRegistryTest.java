package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(Simulators.class)
class ServerRegistryTest {

    @Inject
    Pool pool;

    @Test
    void configuredUrlIsRegisteredAtStartupOnlyOnce() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> Api.json().queryParam("limit", 500)
                .get("/api/v1/servers").then().statusCode(200)
                .body("items.url", hasItem(Simulators.a().baseUrl())));
        List<String> urls = Api.json().queryParam("limit", 500).get("/api/v1/servers").then().extract().path("items.url");
        assertThat(urls).filteredOn(Simulators.a().baseUrl()::equals).hasSize(1);
    }

    @Test
    void crudKeepsThePasswordEncryptedAndNeverReturnsIt() {
        String url = "http://registry-crud.example:3080";
        String id = Api.json().body(Map.of("name", "crud-1", "url", url + "/", "username", "admin",
                        "password", "s3cret-Passw0rd", "labels", Map.of("site", "lab-a"), "maxConcurrent", 4,
                        "timeouts", Map.of("readMs", 5000)))
                .post("/api/v1/servers")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/servers/"))
                .body("url", equalTo(url))
                .body("passwordSet", equalTo(true))
                .body("password", nullValue())
                .body("username", equalTo("admin"))
                .body("status", equalTo("UNKNOWN"))
                .body("timeouts.readMs", equalTo(5000))
                .body(not(containsString("s3cret")))
                .extract().path("id");

        String stored = pool.preparedQuery("select password_ciphertext from gns3_server where id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getString(0);
        assertThat(stored).startsWith("v1:t2:").doesNotContain("s3cret");

        Api.json().get("/api/v1/servers/" + id).then().statusCode(200)
                .body("name", equalTo("crud-1")).body("labels.site", equalTo("lab-a"))
                .body(not(containsString("s3cret")));

        Api.json().body(Map.of("name", "crud-1-renamed", "enabled", false, "password", ""))
                .put("/api/v1/servers/" + id).then().statusCode(200)
                .body("name", equalTo("crud-1-renamed"))
                .body("enabled", equalTo(false))
                .body("passwordSet", equalTo(false))
                .body("url", equalTo(url))
                .body("labels.site", equalTo("lab-a"));

        Api.json().delete("/api/v1/servers/" + id).then().statusCode(204);
        Api.json().get("/api/v1/servers/" + id).then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString(id));
    }

    @Test
    void duplicateNameOrUrlIsAConflict() {
        String url = "http://registry-dup.example:3080";
        Api.json().body(Map.of("name", "dup-1", "url", url)).post("/api/v1/servers").then().statusCode(201);
        Api.json().body(Map.of("name", "dup-1", "url", "http://registry-other.example:3080"))
                .post("/api/v1/servers").then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("dup-1"));
        // the same server under another spelling
        Api.json().body(Map.of("name", "dup-2", "url", "HTTP://Registry-Dup.example:3080/v2/"))
                .post("/api/v1/servers").then().statusCode(409).body("detail", containsString(url));
    }

    @Test
    void invalidFieldsAreReportedWithTheirPaths() {
        Api.json().body(Map.of("name", "", "url", "ftp://x", "maxConcurrent", 0, "capacityWeight", -1,
                        "timeouts", Map.of("readMs", -5), "labels", Map.of("bad key!", "x")))
                .post("/api/v1/servers")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItems("name", "url", "maxConcurrent", "capacityWeight", "timeouts.readMs"))
                .body("violations.field", hasItem(containsString("labels")));
        Api.json().body(Map.of("name", "x")).post("/api/v1/servers")
                .then().statusCode(400).body("violations.field", hasItem("url"));
    }

    @Test
    void connectionTestReportsVersionComputesAndLatency() {
        UUID id = Api.server("sim-a", Simulators.a().baseUrl());
        Api.json().post("/api/v1/servers/" + id + "/test").then().statusCode(200)
                .body("reachable", equalTo(true))
                .body("gns3Version", notNullValue())
                .body("apiVersion", equalTo("v2"))
                .body("latencyMs", notNullValue())
                .body("computes.size()", greaterThan(0))
                .body("computes[0].compute_id", equalTo("local"));
        Api.json().get("/api/v1/servers/" + id).then().body("gns3Version", notNullValue());
    }

    @Test
    void connectionTestOfAnUnreachableServerSaysWhy() {
        String id = Api.json().body(Map.of("name", "nowhere", "url", "http://127.0.0.1:1"))
                .post("/api/v1/servers").then().statusCode(201).extract().path("id");
        Api.json().post("/api/v1/servers/" + id + "/test").then().statusCode(200)
                .body("reachable", equalTo(false))
                .body("error", containsString("nowhere"));
        Api.json().delete("/api/v1/servers/" + id).then().statusCode(204);
    }

    @Test
    void unknownServerIsA404Problem() {
        Api.json().get("/api/v1/servers/" + UUID.randomUUID() + "/projects").then().statusCode(404)
                .contentType("application/problem+json");
    }
}
