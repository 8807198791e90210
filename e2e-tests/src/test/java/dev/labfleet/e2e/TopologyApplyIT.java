package dev.labfleet.e2e;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Topology-as-code through the public APIs of the running suite: a lab is created (project-service), a generated
 * 20-node spine-leaf spec is applied (topology-service, through the gateway, onto the simulator), re-applied as a
 * no-op, started staggered, its events reach Kafka, it is exported as GraphML and deleted.
 */
@ExtendWith(Suite.Extension.class)
class TopologyApplyIT {

    private static RequestSpecification service(String name) {
        return given().baseUri(Suite.current().service(name).baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    @Test
    void applyATwentyNodeSpineLeafStartItExportItAndDeleteIt() {
        await("the simulator registered by the gateway").atMost(Duration.ofSeconds(30))
                .until(() -> service("gateway").when().get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getList("items"), items -> !items.isEmpty());
        String projectId = service("project").body(Map.of("name", "fabric-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");

        String spec = service("topology").body(Map.of("shape", "spine-leaf", "name", "fabric", "spines", 2,
                        "leaves", 6, "hostsPerLeaf", 2))
                .when().post("/api/v1/topologies/generate").then().statusCode(200)
                .body("nodes", hasSize(20)).extract().asString();
        int links = io.restassured.path.json.JsonPath.from(spec).getList("links").size();

        String topology = "/api/v1/projects/" + projectId + "/topology";
        service("topology").queryParam("dryRun", true).body(spec).when().put(topology).then().statusCode(200)
                .body("summary.nodesToCreate", equalTo(20)).body("summary.linksToCreate", equalTo(links));
        service("topology").header("X-Labfleet-User", "e2e").queryParam("wait", "5m").body(spec).when().put(topology).then().statusCode(200)
                .body("status", equalTo("APPLIED")).body("done", equalTo(20 + links));
        service("topology").queryParam("wait", "5m").body(spec).when().put(topology).then().statusCode(200)
                .body("status", equalTo("UNCHANGED"));
        service("topology").when().get(topology + "/drift").then().statusCode(200).body("inSync", equalTo(true));
        service("project").when().get("/api/v1/projects/" + projectId).then().statusCode(200)
                .body("nodeCount", equalTo(20)).body("linkCount", equalTo(links));

        // the spec's start priorities (infrastructure first) reach project-service through lab.topology
        await("the spec's priorities at project-service").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                service("project").when().get("/api/v1/projects/" + projectId).then().statusCode(200)
                        .body("startPriorities.spine1", org.hamcrest.Matchers.notNullValue()));
        String operation = service("project").body(Map.of("batchSize", 5, "delayMs", 50))
                .when().post("/api/v1/projects/" + projectId + "/start")
                .then().statusCode(202).extract().header("Location");
        Map<String, Object> done = await("staggered start").atMost(Duration.ofSeconds(60)).until(
                () -> service("project").when().get(operation).then().statusCode(200).extract().jsonPath().getMap(""),
                op -> !"running".equals(op.get("status")));
        assertThat(done).containsEntry("status", "succeeded").containsEntry("total", 20).containsEntry("done", 20);
        List<Map<String, Object>> results = service("project").when().get(operation).then().extract().jsonPath()
                .getList("results");
        int first = results.stream().mapToInt(r -> ((Number) r.get("batch")).intValue()).min().orElseThrow();
        int last = results.stream().mapToInt(r -> ((Number) r.get("batch")).intValue()).max().orElseThrow();
        assertThat(results).filteredOn(r -> ((Number) r.get("batch")).intValue() == first)
                .extracting(r -> r.get("name")).contains("spine1", "spine2");
        assertThat(results).filteredOn(r -> ((Number) r.get("batch")).intValue() == last)
                .extracting(r -> (String) r.get("name")).allMatch(name -> name.startsWith("host"));

        String graphml = service("topology").queryParam("format", "graphml").when().get(topology)
                .then().statusCode(200).extract().asString();
        assertThat(count(graphml, "<node ")).isEqualTo(20);
        assertThat(count(graphml, "<edge ")).isEqualTo(links);

        livePcapThroughTopologyAndGateway(projectId);

        service("project").when().post("/api/v1/projects/" + projectId + "/stop").then().statusCode(202);
        service("project").when().delete("/api/v1/projects/" + projectId).then().statusCode(204);
        given().baseUri(Suite.current().simulator().baseUrl()).when().get("/v2/projects/" + projectId)
                .then().statusCode(404);

        List<String> topologyEvents = LabLifecycleIT.eventTypes("lab.topology", projectId, t -> t.size() >= 2);
        assertThat(topologyEvents).containsExactly("lab.topology.applied", "lab.topology.applied");
        List<String> projectEvents = LabLifecycleIT.eventTypes("lab.projects", projectId,
                t -> t.contains("lab.project.deleted"));
        assertThat(projectEvents).containsSubsequence("lab.project.created", "lab.project.started",
                "lab.project.deleted");
    }

    /** A link's capture streamed through both services (pcap, not JSON, at every hop): the pcap header arrives. */
    private static void livePcapThroughTopologyAndGateway(String projectId) {
        String links = "/api/v1/projects/" + projectId + "/links";
        String linkId = service("topology").when().get(links).then().statusCode(200).extract().path("[0].link_id");
        service("topology").when().post(links + "/" + linkId + "/capture/start").then().statusCode(200);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        Suite.current().service("topology").baseUrl() + links + "/" + linkId + "/pcap"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + E2e.token("e2e-pcap", "admin"))
                .GET().build();
        try {
            java.net.http.HttpResponse<java.io.InputStream> response = http.send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/vnd.tcpdump.pcap");
            try (java.io.InputStream body = response.body()) {
                byte[] header = body.readNBytes(24);
                assertThat(header).hasSize(24);
                assertThat(java.nio.ByteBuffer.wrap(header, 0, 4).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt())
                        .as("pcap magic").isEqualTo(0xa1b2c3d4);
                assertThat(Suite.current().simulator().openPcapStreams()).as("GNS3 pcap streams while ours is open")
                        .isEqualTo(1);
            }
            // our client went away: topology-service and the gateway let go of GNS3's stream in turn
            await("GNS3's pcap stream closed").atMost(Duration.ofSeconds(10))
                    .until(() -> Suite.current().simulator().openPcapStreams() == 0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        service("topology").when().post(links + "/" + linkId + "/capture/stop").then().statusCode(200);
    }

    private static int count(String text, String token) {
        Matcher m = Pattern.compile(Pattern.quote(token)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
