package dev.labfleet.topology.rest;

import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Links through topology-service on a simulated GNS3: by ids and names, port checks, conditions, suspend, capture. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class LinkResourceTest {

    private static String links(String projectId) {
        return "/api/v1/projects/" + projectId + "/links";
    }

    /** PC1, PC2 (VPCS) and SW1 (8-port switch) on GNS3; their ids. */
    private record Lab(String id, String pc1, String pc2, String sw) {
        static Lab make() {
            String id = SimLabs.project();
            return new Lab(id, SimLabs.node(id, "PC1", "vpcs"), SimLabs.node(id, "PC2", "vpcs"),
                    SimLabs.node(id, "SW1", "ethernet_switch"));
        }
    }

    @Test
    void linksAreMadeByIdsAndNumbersOrByNamesAndPortNames() {
        Lab lab = Lab.make();
        String byIds = given().contentType(ContentType.JSON)
                .body(Map.of("a", Map.of("node", lab.pc1(), "adapter", 0, "port", 0),
                        "b", Map.of("node", lab.sw(), "adapter", 0, "port", 1)))
                .when().post(links(lab.id())).then().statusCode(201)
                .body("nodes.node_name", containsInAnyOrder("PC1", "SW1"))
                .body("nodes.find { it.node_name == 'SW1' }.port_number", equalTo(1))
                .extract().path("link_id");
        String byNames = given().contentType(ContentType.JSON).body(Map.of("a", "PC2:e0", "b", "SW1:Ethernet3"))
                .when().post(links(lab.id())).then().statusCode(201)
                .body("nodes.find { it.node_name == 'SW1' }.port_name", equalTo("e3"))
                .extract().path("link_id");

        // GNS3 has both, on the ports asked for
        SimLabs.gns3().when().get("/v2/projects/" + lab.id() + "/links/" + byNames).then().statusCode(200)
                .body("nodes.find { it.node_id == '" + lab.sw() + "' }.port_number", equalTo(3));
        given().when().get(links(lab.id())).then().statusCode(200)
                .body("link_id", containsInAnyOrder(byIds, byNames));

        given().when().delete(links(lab.id()) + "/" + byIds).then().statusCode(204);
        given().when().get(links(lab.id())).then().body("link_id", containsInAnyOrder(byNames));
        given().when().get(links(lab.id()) + "/" + byIds).then().statusCode(404);
    }

    @Test
    void aUsedPortIsAConflictNamingNodeAndPortAndMissingOnesAre400sWithTheirPath() {
        Lab lab = Lab.make();
        given().contentType(ContentType.JSON).body(Map.of("a", "PC1:e0", "b", "SW1:e1"))
                .when().post(links(lab.id())).then().statusCode(201);
        long creates = LabStandIn.simulator().requests().count("POST /v2/projects/{project_id}/links");

        given().contentType(ContentType.JSON).body(Map.of("a", "PC2:e0", "b", "SW1:e1"))
                .when().post(links(lab.id())).then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("port e1 (0/1) of SW1 is already used"))
                .body("field", equalTo("b"));
        given().contentType(ContentType.JSON).body(Map.of("a", "PC2:e7", "b", "SW1:e2"))
                .when().post(links(lab.id())).then().statusCode(400)
                .body("violations[0].field", equalTo("a.port"))
                .body("violations[0].message", containsString("PC2"));
        given().contentType(ContentType.JSON)
                .body(Map.of("a", Map.of("node", "PC2", "adapter", 0, "port", 0),
                        "b", Map.of("node", "SW1", "adapter", 0, "port", 9)))
                .when().post(links(lab.id())).then().statusCode(400)
                .body("violations[0].field", equalTo("b.port"));
        given().contentType(ContentType.JSON).body(Map.of("a", "PC2:e0", "b", "SW9:e2"))
                .when().post(links(lab.id())).then().statusCode(400)
                .body("violations[0].field", equalTo("b.node"));
        given().contentType(ContentType.JSON).body(Map.of("a", "PC2:e0", "b", Map.of("node", "SW1")))
                .when().post(links(lab.id())).then().statusCode(400)
                .body("violations[0].field", equalTo("b.port"));
        // none of these reached GNS3
        assertThat(LabStandIn.simulator().requests().count("POST /v2/projects/{project_id}/links")).isEqualTo(creates);
    }

    @Test
    void conditionsAreValidatedAndAppliedAsGns3Filters() {
        Lab lab = Lab.make();
        String link = given().contentType(ContentType.JSON)
                .body(Map.of("a", "PC1:e0", "b", "SW1:e1", "conditions", Map.of("delay", 20)))
                .when().post(links(lab.id())).then().statusCode(201)
                .body("conditions.delay", equalTo(20)).extract().path("link_id");

        given().contentType(ContentType.JSON).body(Map.of("packet_loss", 101, "frequency_drop", -2))
                .when().put(links(lab.id()) + "/" + link + "/conditions").then().statusCode(400)
                .body("violations.field", containsInAnyOrder("packet_loss", "frequency_drop"));
        given().contentType(ContentType.JSON).body(Map.of("jitter", 5))
                .when().put(links(lab.id()) + "/" + link + "/conditions").then().statusCode(400)
                .body("violations[0].field", equalTo("jitter"));
        given().contentType(ContentType.JSON)
                .body(Map.of("a", "PC2:e0", "b", "SW1:e2", "conditions", Map.of("corruption", 200)))
                .when().post(links(lab.id())).then().statusCode(400)
                .body("violations[0].field", equalTo("conditions.corruption"));

        given().contentType(ContentType.JSON)
                .body(Map.of("packet_loss", 10, "delay", 100, "jitter", 10, "corruption", 5, "frequency_drop", 5,
                        "bpf", "icmp[icmptype] == 8"))
                .when().put(links(lab.id()) + "/" + link + "/conditions").then().statusCode(200)
                .body("conditions.packet_loss", equalTo(10)).body("conditions.jitter", equalTo(10));
        SimLabs.gns3().when().get("/v2/projects/" + lab.id() + "/links/" + link).then().statusCode(200)
                .body("filters.packet_loss", equalTo(List.of(10)))
                .body("filters.delay", equalTo(List.of(100, 10)))
                .body("filters.corrupt", equalTo(List.of(5)))
                .body("filters.frequency_drop", equalTo(List.of(5)))
                .body("filters.bpf", equalTo(List.of("icmp[icmptype] == 8")));

        given().contentType(ContentType.JSON).body("{}")
                .when().put(links(lab.id()) + "/" + link + "/conditions").then().statusCode(200);
        SimLabs.gns3().when().get("/v2/projects/" + lab.id() + "/links/" + link).then()
                .body("filters.size()", equalTo(0));
    }

    @Test
    void linksSuspendAndResume() {
        Lab lab = Lab.make();
        String link = SimLabs.link(lab.id(), lab.pc1(), 0, 0, lab.sw(), 0, 0);
        given().when().post(links(lab.id()) + "/" + link + "/suspend").then().statusCode(200)
                .body("suspend", equalTo(true));
        SimLabs.gns3().when().get("/v2/projects/" + lab.id() + "/links/" + link).then().body("suspend", equalTo(true));
        given().when().post(links(lab.id()) + "/" + link + "/resume").then().statusCode(200)
                .body("suspend", equalTo(false));
        SimLabs.gns3().when().get("/v2/projects/" + lab.id() + "/links/" + link).then().body("suspend", equalTo(false));
    }

    @Test
    void aCaptureStreamsPcapWhileItRunsAndStops() throws Exception {
        Lab lab = Lab.make();
        String link = SimLabs.link(lab.id(), lab.pc1(), 0, 0, lab.sw(), 0, 0);
        given().when().get(links(lab.id()) + "/" + link + "/pcap").then().statusCode(409);

        given().contentType(ContentType.JSON).body("{}")
                .when().post(links(lab.id()) + "/" + link + "/capture/start").then().statusCode(200)
                .body("capturing", equalTo(true));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(io.restassured.RestAssured.baseURI + ":"
                        + io.restassured.RestAssured.port + links(lab.id()) + "/" + link + "/pcap"))
                .timeout(Duration.ofSeconds(20)).GET().build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/vnd.tcpdump.pcap"));
        try (InputStream body = response.body()) {
            // the capture is still running: these bytes were streamed, not buffered until its end
            byte[] magic = body.readNBytes(4);
            assertThat(magic).containsExactly(0xd4, 0xc3, 0xb2, 0xa1);
        }

        given().when().post(links(lab.id()) + "/" + link + "/capture/stop").then().statusCode(200)
                .body("capturing", equalTo(false));
        given().when().get(links(lab.id()) + "/" + link + "/pcap").then().statusCode(409);
    }

    @Test
    void aQuietCaptureAnswersItsPcapHeaderWithinASecond() throws Exception {
        // no node runs: nothing crosses the link, so only what is sent at once can arrive. The stand-in gateway sends
        // the global header at once, as the gateway does for a quiet GNS3 capture (its Gns3ProxyTest shows that);
        // this shows topology-service passes status, headers and header on without waiting for more
        Lab lab = Lab.make();
        String link = SimLabs.link(lab.id(), lab.pc1(), 0, 0, lab.sw(), 0, 0);
        given().contentType(ContentType.JSON).body("{}")
                .when().post(links(lab.id()) + "/" + link + "/capture/start").then().statusCode(200);
        URI pcap = URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                + links(lab.id()) + "/" + link + "/pcap");
        // the first capture opened warms the path up (class loading and JIT are slow on a loaded machine)
        openPcapHeader(pcap, Duration.ofSeconds(15)).close();
        // The link is quiet (nothing is sent on it), so a header that waited for the first packet would never come:
        // getting it at all proves it is sent at once. The bound is generous so that a loaded CI machine does not
        // fail it; a lightly loaded one answers within a second.
        openPcapHeader(pcap, Duration.ofSeconds(5)).close();
        given().when().post(links(lab.id()) + "/" + link + "/capture/stop").then().statusCode(200);
    }

    /** Opens a live capture and reads its 24-byte global header, both within {@code limit}. */
    private static InputStream openPcapHeader(URI pcap, Duration limit) throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(limit).build()
                .send(HttpRequest.newBuilder(pcap).timeout(limit).GET().build(),
                        HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = response.body();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/vnd.tcpdump.pcap"));
        long left = Math.max(1, limit.toNanos() - (System.nanoTime() - start));
        byte[] header = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return in.readNBytes(24);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
        assertThat(java.util.HexFormat.of().formatHex(header))
                .isEqualTo("d4c3b2a1020004000000000000000000ffff000001000000");
        return in;
    }

    @Test
    void unknownLabsAndLinksAre404s() {
        given().when().get(links(UUID.randomUUID().toString())).then().statusCode(404);
        Lab lab = Lab.make();
        given().when().get(links(lab.id())).then().statusCode(200).body("$", hasSize(0));
        given().when().post(links(lab.id()) + "/" + UUID.randomUUID() + "/suspend").then().statusCode(404);
    }
}
