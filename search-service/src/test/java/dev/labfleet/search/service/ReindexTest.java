package dev.labfleet.search.service;

import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A full rebuild of the index from the services' APIs (served by the stand-in in their shapes). */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class ReindexTest {

    @Inject
    Pool pool;

    private static List<String> names(String q, String kind) {
        return RestAssured.given().queryParam("q", q).queryParam("kind", kind).queryParam("facets", "none")
                .get("/api/v1/search").then().statusCode(200).extract().jsonPath().getList("items.name", String.class);
    }

    @Test
    void rebuildsFromTheServicesAndDropsWhatTheyNoLongerHave() {
        String w = "rx" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        UUID serverId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        UUID r1 = UUID.randomUUID();
        UUID sw = UUID.randomUUID();
        UUID templateId = UUID.randomUUID();
        // a stale lab in the index that project-service no longer has
        UUID gone = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO search_document (id, kind, entity_id, project_id, name, name_terms, occurred_at,"
                        + " version_time) VALUES ($1, 'lab', $2, $3, $4, $4, now() - interval '1 hour', now() - interval '1 hour')")
                .execute(Tuple.of("lab:" + gone, gone.toString(), gone, w + "stale")).await().atMost(Duration.ofSeconds(5));
        assertThat(names(w + "stale", "lab")).hasSize(1);

        SourcesStandIn.put("gateway", "/api/v1/servers", "{\"items\":[{\"id\":\"" + serverId + "\",\"name\":\"" + w
                + "-gns3\",\"url\":\"http://10.77.1.5:3080\",\"status\":\"UP\",\"labels\":{\"site\":\"lab-a\"}}],\"limit\":500}");
        SourcesStandIn.put("topology", "/api/v1/templates", "[{\"name\":\"" + w + " vIOS\",\"template_type\":\"qemu\","
                + "\"category\":\"router\",\"builtin\":false,\"servers\":[{\"server_id\":\"" + serverId
                + "\",\"template_id\":\"" + templateId + "\"}]}]");
        SourcesStandIn.put("project", "/api/v1/projects", "{\"items\":[{\"projectId\":\"" + projectId + "\",\"name\":\""
                + w + "-ospf\",\"owner\":\"bob\",\"serverId\":\"" + serverId + "\",\"status\":\"opened\",\"tags\":[\"ospf\"]}],"
                + "\"limit\":500}");
        SourcesStandIn.put("topology", "/api/v1/projects/" + projectId + "/nodes", "[{\"node_id\":\"" + r1
                + "\",\"project_id\":\"" + projectId + "\",\"name\":\"" + w + "R1\",\"node_type\":\"qemu\",\"template_id\":\""
                + templateId + "\",\"status\":\"started\",\"labels\":{\"role\":\"core\"}},{\"node_id\":\"" + sw
                + "\",\"project_id\":\"" + projectId + "\",\"name\":\"" + w + "SW1\",\"node_type\":\"ethernet_switch\","
                + "\"status\":\"started\",\"labels\":{}}]");
        SourcesStandIn.put("topology", "/api/v1/projects/" + projectId + "/links", "[{\"link_id\":\"" + UUID.randomUUID()
                + "\",\"project_id\":\"" + projectId + "\",\"link_type\":\"ethernet\",\"nodes\":[{\"node_id\":\"" + r1
                + "\",\"node_name\":\"" + w + "R1\",\"port_name\":\"Gi0/0\"},{\"node_id\":\"" + sw + "\",\"node_name\":\""
                + w + "SW1\",\"port_name\":\"e0\"}],\"suspend\":false}]");
        SourcesStandIn.put("project", "/api/v1/projects/" + projectId + "/snapshots", "[{\"snapshotId\":\""
                + UUID.randomUUID() + "\",\"projectId\":\"" + projectId + "\",\"name\":\"" + w + "-before-bgp\"}]");

        RestAssured.given().post("/api/v1/search/reindex").then().statusCode(202).body("status",
                org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.equalTo("running"), org.hamcrest.Matchers.equalTo("succeeded")));
        await().atMost(Duration.ofSeconds(20)).until(() -> !"running".equals(
                RestAssured.given().get("/api/v1/search/reindex").then().extract().jsonPath().getString("status")));
        var run = RestAssured.given().get("/api/v1/search/reindex").then().statusCode(200).extract().jsonPath();
        assertThat(run.getString("status")).isEqualTo("succeeded");

        assertThat(names(w, "server")).containsExactly(w + "-gns3");
        assertThat(names("10.77.1", "server")).contains(w + "-gns3");
        assertThat(names(w, "lab")).containsExactly(w + "-ospf");
        assertThat(names(w + "stale", "lab")).isEmpty();
        assertThat(names(w, "node")).containsExactlyInAnyOrder(w + "R1", w + "SW1");
        assertThat(names(w, "link")).containsExactly(w + "R1 - " + w + "SW1");
        assertThat(names(w, "snapshot")).containsExactly(w + "-before-bgp");
        assertThat(names(w, "template")).containsExactly(w + " vIOS");
        // the node knows its template by name (the template facet and template: filter)
        RestAssured.given().queryParam("q", w + " kind:node template:\"" + w + " vios\"").get("/api/v1/search").then()
                .statusCode(200).body("items.name", org.hamcrest.Matchers.contains(w + "R1"))
                .body("facets.template.'" + w + " vIOS'", org.hamcrest.Matchers.equalTo(1));
    }

    @Test
    void aSourceThatFailsIsReportedAndItsDocumentsStay() {
        SourcesStandIn.mode("gateway", SourcesStandIn.Mode.FAILING);
        try {
            RestAssured.given().post("/api/v1/search/reindex").then().statusCode(202);
            await().atMost(Duration.ofSeconds(20)).until(() -> !"running".equals(
                    RestAssured.given().get("/api/v1/search/reindex").then().extract().jsonPath().getString("status")));
            RestAssured.given().get("/api/v1/search/reindex").then().statusCode(200)
                    .body("status", org.hamcrest.Matchers.equalTo("partial"))
                    .body("errors.gateway", org.hamcrest.Matchers.equalTo("HTTP 503"));
        } finally {
            SourcesStandIn.mode("gateway", SourcesStandIn.Mode.UP);
        }
    }
}
