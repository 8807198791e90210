package dev.labfleet.topology.rest;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.topology.support.LabStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

/** Applying specs to a lab on a simulated GNS3: idempotence, partial failures, drift, the apply lock, events. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class TopologyApplyTest {

    private static final String SPEC = """
            name: apply-test
            nodes:
              - name: SW1
                node_type: ethernet_switch
                position: {x: 0, y: 0}
              - name: PC1
                template: VPCS
                position: {x: -100, y: 100}
              - name: PC2
                node_type: vpcs
                position: {x: 100, y: 100}
              - name: PC3
                node_type: vpcs
            links:
              - a: PC1:e0
                b: SW1:e1
                conditions: {delay: 20, jitter: 5}
              - a: PC2:e0
                b: SW1:e2
              - a: PC3:e0
                b: SW1:e3
                suspend: true
            """;

    private static Gns3Simulator gns3() {
        return LabStandIn.simulator();
    }

    private static RequestSpecification sim() {
        return given().baseUri(gns3().baseUrl()).contentType(ContentType.JSON);
    }

    private static String lab() {
        return sim().body(Map.of("name", "apply-" + UUID.randomUUID())).when().post("/v2/projects")
                .then().statusCode(201).extract().path("project_id");
    }

    private static Response apply(String projectId, String spec) {
        return given().contentType("application/yaml").header("X-Labfleet-User", "alice")
                .body(spec.getBytes(StandardCharsets.UTF_8))
                .queryParam("wait", "5m").when().put("/api/v1/projects/" + projectId + "/topology");
    }

    @AfterEach
    void clearFaults() {
        gns3().faults().clear();
    }

    @Test
    void applyBuildsTheLabAndReapplyingWritesNothing() {
        String id = lab();
        apply(id, SPEC).then().statusCode(200)
                .body("status", equalTo("APPLIED"))
                .body("summary.nodesToCreate", equalTo(4)).body("summary.linksToCreate", equalTo(3))
                .body("done", equalTo(7)).body("failed", equalTo(0))
                .body("results.outcome", everyItem(equalTo("DONE")));

        List<Map<String, Object>> nodes = sim().get("/v2/projects/" + id + "/nodes").then().statusCode(200)
                .body("name", containsInAnyOrder("SW1", "PC1", "PC2", "PC3")).extract().path("$");
        assertThat(nodes).filteredOn(n -> n.get("name").equals("PC2")).singleElement()
                .satisfies(n -> assertThat(n).containsEntry("x", 100).containsEntry("y", 100));
        sim().get("/v2/projects/" + id + "/links").then().statusCode(200).body("$", hasSize(3))
                .body("filters.delay", hasItem(List.of(20, 5)))
                .body("suspend", hasItem(true));

        long writes = gns3().requests().writes();
        apply(id, SPEC).then().statusCode(200).body("status", equalTo("UNCHANGED")).body("results", hasSize(0));
        assertThat(gns3().requests().writes()).as("GNS3 writes of a re-apply").isEqualTo(writes);

        assertThat(given().when().get("/q/metrics").asString())
                .contains("labfleet_topology_apply_changes_total{action=\"CREATE\",kind=\"node\",outcome=\"DONE\"}")
                .contains("labfleet_topology_apply_seconds_count{status=\"UNCHANGED\"}");
        given().when().get("/api/v1/projects/" + id + "/topology/applied").then().statusCode(200)
                .body("status", equalTo("UNCHANGED")).body("appliedBy", equalTo("alice"))
                .body("spec.nodes.name", containsInAnyOrder("SW1", "PC1", "PC2", "PC3"));
        given().when().get("/api/v1/projects/" + id + "/topology/drift").then().statusCode(200)
                .body("inSync", equalTo(true)).body("differences", hasSize(0));
    }

    @Test
    void aPartialFailureIsReportedAndTheNextApplyFinishesTheJobWithoutDuplicates() {
        String id = lab();
        gns3().faults().errors("POST /v2/projects/*/links", 1.0);
        apply(id, SPEC).then().statusCode(207)
                .body("status", equalTo("PARTIAL"))
                .body("done", equalTo(4)).body("failed", equalTo(3))
                .body("results.findAll { it.kind == 'link' }.outcome", everyItem(equalTo("FAILED")))
                .body("results.findAll { it.kind == 'link' }.status", everyItem(equalTo(502)))
                .body("results.findAll { it.kind == 'link' }.detail", everyItem(org.hamcrest.Matchers.not(
                        containsString("Traceback"))));
        given().when().get("/api/v1/projects/" + id + "/topology/drift").then().statusCode(200)
                .body("inSync", equalTo(false)).body("lastApply", equalTo("PARTIAL"))
                .body("differences.findAll { it.kind == 'link' }", hasSize(3));

        gns3().faults().clear();
        long nodeCreates = gns3().requests().count("POST /v2/projects/{project_id}/nodes");
        apply(id, SPEC).then().statusCode(200).body("status", equalTo("APPLIED"))
                .body("summary.nodesToCreate", equalTo(0)).body("summary.linksToCreate", equalTo(3));
        assertThat(gns3().requests().count("POST /v2/projects/{project_id}/nodes")).isEqualTo(nodeCreates);
        sim().get("/v2/projects/" + id + "/nodes").then().body("$", hasSize(4));
        sim().get("/v2/projects/" + id + "/links").then().body("$", hasSize(3));
    }

    @Test
    void aFailedNodeSkipsItsLinksAndDriftListsWhatChangedOutsideLabfleet() {
        String id = lab();
        // GNS3 refuses NAT nodes on a host without libvirt's virbr0 (409): its link cannot be made either
        String withNat = SPEC.replace("links:\n", """
                  - name: NAT1
                    node_type: nat
                links:
                  - a: NAT1:0/0
                    b: SW1:e4
                """);
        apply(id, withNat).then().statusCode(207).body("status", equalTo("PARTIAL"))
                .body("done", equalTo(7)).body("failed", equalTo(1)).body("skipped", equalTo(1))
                .body("results.find { it.name == 'NAT1' }.outcome", equalTo("FAILED"))
                .body("results.find { it.name == 'NAT1' }.status", equalTo(409))
                .body("results.find { it.name == 'NAT1' }.detail", containsString("virbr0"))
                .body("results.find { it.name.startsWith('NAT1:') }.outcome", equalTo("SKIPPED"));
        apply(id, SPEC).then().statusCode(200).body("status", equalTo("UNCHANGED"));
        sim().get("/v2/projects/" + id + "/nodes").then().body("name", containsInAnyOrder("SW1", "PC1", "PC2", "PC3"));

        String pc2 = sim().get("/v2/projects/" + id + "/nodes").jsonPath()
                .getString("find { it.name == 'PC2' }.node_id");
        sim().body(Map.of("x", 500)).put("/v2/projects/" + id + "/nodes/" + pc2).then().statusCode(200);
        String link = sim().get("/v2/projects/" + id + "/links").jsonPath().getString("[0].link_id");
        sim().delete("/v2/projects/" + id + "/links/" + link).then().statusCode(204);
        given().when().get("/api/v1/projects/" + id + "/topology/drift").then().statusCode(200)
                .body("inSync", equalTo(false))
                .body("differences.find { it.kind == 'node' }.name", equalTo("PC2"))
                .body("differences.find { it.kind == 'node' }.field", equalTo("x"))
                .body("differences.find { it.kind == 'node' }.actual", equalTo(500))
                .body("differences.find { it.kind == 'link' }.actual", equalTo("missing"));
    }

    @Test
    void invalidSpecsAreRejectedWholeAndNothingIsWritten() {
        String id = lab();
        long writes = gns3().requests().writes();
        apply(id, """
                nodes:
                  - name: A
                    node_type: toaster
                  - name: B
                    template: No Such Template
                  - name: C
                    node_type: vpcs
                links:
                  - a: C:e0
                    b: Z:e0
                    conditions: {packet_loss: 140}
                """).then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("nodes[0].node_type"))
                .body("violations.field", hasItem("nodes[1].template"))
                .body("violations.field", hasItem("links[0].b"))
                .body("violations.field", hasItem("links[0].conditions.packet_loss"));
        apply(id, "nodes: [ {name: A").then().statusCode(400).contentType("application/problem+json");
        assertThat(gns3().requests().writes()).isEqualTo(writes);
        apply(UUID.randomUUID().toString(), SPEC).then().statusCode(404).contentType("application/problem+json");
        given().when().get("/api/v1/projects/" + id + "/topology/drift").then().statusCode(404)
                .body("detail", containsString("no spec has been applied"));
        sim().post("/v2/projects/" + id + "/close").then().statusCode(204);
        apply(id, SPEC).then().statusCode(409).body("detail", containsString("is closed"));
        assertThat(gns3().requests().writes()).isEqualTo(writes + 1);
    }

    @Test
    void oneApplyPerLabAtATime() {
        String id = lab();
        gns3().faults().latency("POST /v2/projects/*/nodes", 1500);
        CompletableFuture<Response> first = CompletableFuture.supplyAsync(() -> apply(id, SPEC));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                gns3().requests().count("POST /v2/projects/{project_id}/nodes") > 0 && !first.isDone());
        apply(id, SPEC).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("another apply"));
        assertThat(first.join().statusCode()).isEqualTo(200);
        gns3().faults().clear();
        apply(id, SPEC).then().statusCode(200).body("status", equalTo("UNCHANGED"));
    }

    @Test
    void everyApplyPublishesItsResultThroughTheOutbox() {
        String id = lab();
        apply(id, SPEC).then().statusCode(200);
        apply(id, SPEC).then().statusCode(200);
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        List<CloudEvent> seen = TopicReader.events(bootstrap, "lab.topology", id, Duration.ofSeconds(30),
                events -> events.size() >= 2);
        assertThat(seen).extracting(CloudEvent::type).containsExactly("lab.topology.applied", "lab.topology.applied");
        assertThat(seen).extracting(e -> e.data().get("status").asText()).containsExactly("APPLIED", "UNCHANGED");
        assertThat(seen.get(0).data().get("done").asInt()).isEqualTo(7);
    }

    @Test
    void customTemplateNodesAreMadeFromTheirTemplateAndNamedAndAFailedRenameIsReported() {
        String template = "vRouter-" + UUID.randomUUID();
        sim().body(Map.of("name", template, "template_type", "qemu", "compute_id", "local", "adapters", 4))
                .post("/v2/templates").then().statusCode(201);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                given().get("/api/v1/templates").then().body("items.name", hasItem(template)));
        String spec = """
                nodes:
                  - name: R1
                    template: %s
                    position: {x: 10, y: 20}
                  - name: PC1
                    node_type: vpcs
                links:
                  - a: R1:e1
                    b: PC1:e0
                """.formatted(template);

        String id = lab();
        gns3().faults().errors("PUT /v2/projects/*/nodes/*", 1.0);
        apply(id, spec).then().statusCode(207).body("status", equalTo("PARTIAL"))
                .body("results.find { it.name == 'R1' }.outcome", equalTo("FAILED"))
                .body("results.find { it.name == 'R1' }.detail", containsString("not renamed"))
                .body("results.find { it.kind == 'link' }.outcome", equalTo("SKIPPED"));
        gns3().faults().clear();
        // the next apply converges: the wrongly named node is not in the spec, R1 is made again
        apply(id, spec).then().statusCode(200).body("status", equalTo("APPLIED"));
        sim().get("/v2/projects/" + id + "/nodes").then().body("name", containsInAnyOrder("R1", "PC1"))
                .body("find { it.name == 'R1' }.node_type", equalTo("qemu"))
                .body("find { it.name == 'R1' }.x", equalTo(10));
        long writes = gns3().requests().writes();
        apply(id, spec).then().statusCode(200).body("status", equalTo("UNCHANGED"));
        assertThat(gns3().requests().writes()).isEqualTo(writes);
    }

    @Test
    void anApplyClearsTheCachedTopology() {
        String id = lab();
        given().get("/api/v1/projects/" + id + "/topology").then().statusCode(200)
                .body("nodes", org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.nullValue(), hasSize(0)));
        apply(id, SPEC).then().statusCode(200);
        given().get("/api/v1/projects/" + id + "/topology").then().statusCode(200).body("nodes", hasSize(4))
                .body("links", hasSize(3));
    }
}
