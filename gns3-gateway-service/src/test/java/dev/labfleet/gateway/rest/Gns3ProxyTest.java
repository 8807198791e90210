package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import dev.labfleet.gateway.support.VpcsConsole;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

/** Every proxied GNS3 operation against simulator A, through the gateway's API. */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class Gns3ProxyTest {

    @TestHTTPResource("/")
    URL root;

    @jakarta.inject.Inject
    dev.labfleet.gateway.service.ServerDirectory directory;

    UUID server;
    String base;

    @BeforeEach
    void server() {
        server = Api.server("sim-a", Simulators.a().baseUrl());
        base = "/api/v1/servers/" + server;
    }

    @Test
    void versionComputesAndTemplates() {
        Api.json().get(base + "/version").then().statusCode(200).body("version", containsString("2.2"));
        Api.json().get(base + "/computes").then().statusCode(200).body("[0].compute_id", equalTo("local"));
        Api.json().get(base + "/computes/local").then().statusCode(200).body("compute_id", equalTo("local"));
        Api.json().get(base + "/templates").then().statusCode(200).body("name", hasItem("VPCS"));
    }

    @Test
    void projectLifecycleNodesLinksSnapshotsDrawings() throws Exception {
        String projectId = UUID.randomUUID().toString();
        String p = base + "/projects/" + projectId;
        Api.json().body(Map.of("name", "proxy-" + projectId, "project_id", projectId)).post(base + "/projects")
                .then().statusCode(201).body("project_id", equalTo(projectId)).body("status", equalTo("opened"));
        Api.json().get(base + "/projects").then().statusCode(200).body("project_id", hasItem(projectId));
        Api.json().body(Map.of("name", "proxy-renamed-" + projectId)).put(p).then().statusCode(200)
                .body("name", equalTo("proxy-renamed-" + projectId));

        String pc1 = Api.json().body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"))
                .post(p + "/nodes").then().statusCode(201).body("node_type", equalTo("vpcs"))
                .extract().path("node_id");
        String pc2 = Api.json().body(Map.of("name", "PC2", "node_type", "vpcs", "compute_id", "local"))
                .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
        String sw = Api.json().body(Map.of("name", "SW1", "node_type", "ethernet_switch", "compute_id", "local"))
                .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
        Api.json().get(p + "/nodes").then().statusCode(200).body("$", hasSize(3));
        Api.json().body(Map.of("x", 100, "y", 50)).put(p + "/nodes/" + pc1).then().statusCode(200).body("x", equalTo(100));

        String link = Api.json().body(Map.of("nodes", List.of(
                        Map.of("node_id", pc1, "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", sw, "adapter_number", 0, "port_number", 0))))
                .post(p + "/links").then().statusCode(201).extract().path("link_id");
        Api.json().body(Map.of("nodes", List.of(
                        Map.of("node_id", pc2, "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", sw, "adapter_number", 0, "port_number", 0))))
                .post(p + "/links").then().statusCode(409).contentType("application/problem+json")
                .body("detail", equalTo("Port is already used"));
        Api.json().get(p + "/links/" + link + "/available_filters").then().statusCode(200);
        Api.json().body(Map.of("delay", List.of(200, 0))).put(p + "/links/" + link + "/filters").then().statusCode(201)
                .body("filters.delay[0]", equalTo(200));
        Api.json().post(p + "/links/" + link + "/suspend").then().statusCode(201).body("suspend", equalTo(true));
        Api.json().post(p + "/links/" + link + "/resume").then().statusCode(201).body("suspend", equalTo(false));
        Api.json().get(p + "/nodes/" + pc1 + "/links").then().statusCode(200).body("link_id", hasItem(link));

        Api.json().get(p + "/nodes/" + pc1 + "/console").then().statusCode(200)
                .body("console_type", equalTo("telnet")).body("console", greaterThan(0));
        Api.json().post(p + "/nodes/" + pc1 + "/start").then().statusCode(200).body("node_id", equalTo(pc1));
        Api.json().post(p + "/nodes/" + pc1 + "/suspend").then().statusCode(200);
        Api.json().post(p + "/nodes/" + pc1 + "/reload").then().statusCode(200);
        Api.json().post(p + "/nodes/" + pc1 + "/console/reset").then().statusCode(204);
        Api.json().post(p + "/nodes/" + pc1 + "/stop").then().statusCode(200);
        Api.json().post(p + "/nodes/start").then().statusCode(204);
        // GNS3 refuses snapshots while nodes run
        Api.json().body(Map.of("name", "running")).post(p + "/snapshots").then().statusCode(409);
        Api.json().post(p + "/nodes/stop").then().statusCode(204);
        Api.json().post(p + "/nodes/bogus").then().statusCode(404);

        String copy = Api.json().body(Map.of("x", 10, "y", 10)).post(p + "/nodes/" + pc2 + "/duplicate")
                .then().statusCode(201).extract().path("node_id");
        Api.json().delete(p + "/nodes/" + copy).then().statusCode(204);
        Api.json().get(p + "/stats").then().statusCode(200).body("nodes", equalTo(3)).body("links", equalTo(1));

        String snapshot = Api.json().body(Map.of("name", "snap-1")).post(p + "/snapshots").then().statusCode(201)
                .extract().path("snapshot_id");
        Api.json().get(p + "/snapshots").then().statusCode(200).body("snapshot_id", hasItem(snapshot));
        Api.json().post(p + "/snapshots/" + snapshot + "/restore").then().statusCode(201);
        Api.json().delete(p + "/snapshots/" + snapshot).then().statusCode(204);

        String drawing = Api.json().body(Map.of("svg", "<svg height=\"10\" width=\"10\"></svg>", "x", 1, "y", 2))
                .post(p + "/drawings").then().statusCode(201).extract().path("drawing_id");
        Api.json().get(p + "/drawings/" + drawing).then().statusCode(200);
        Api.json().body(Map.of("x", 5)).put(p + "/drawings/" + drawing).then().statusCode(201).body("x", equalTo(5));
        Api.json().get(p + "/drawings").then().statusCode(200).body("drawing_id", hasItem(drawing));
        Api.json().delete(p + "/drawings/" + drawing).then().statusCode(204);

        Api.json().delete(p + "/links/" + link).then().statusCode(204);

        // export streamed, then imported as a new project, then the duplicate
        byte[] zip = RestAssured.given().get(p + "/export").then().statusCode(200)
                .contentType(containsString("gns3project")).extract().asByteArray();
        assertThat(zip).startsWith('P', 'K');
        String imported = UUID.randomUUID().toString();
        // the import runs on a worker thread: with the registry cache cold it must still read the registry on the
        // event loop (Hibernate Reactive refuses anything else)
        directory.invalidate(server);
        RestAssured.given().contentType("application/octet-stream").body(zip)
                .queryParam("name", "imported-" + imported)
                .post(base + "/projects/" + imported + "/import").then().statusCode(201)
                .body("project_id", equalTo(imported));
        String dup = Api.json().body(Map.of("name", "dup-" + projectId)).post(p + "/duplicate").then().statusCode(201)
                .extract().path("project_id");

        Api.json().post(p + "/close").then().statusCode(204);
        Api.json().body(Map.of("name", "PC9", "node_type", "vpcs", "compute_id", "local")).post(p + "/nodes")
                .then().statusCode(409).body("detail", containsString("not opened"));
        Api.json().post(p + "/open").then().statusCode(201).body("status", equalTo("opened"));
        for (String id : List.of(projectId, imported, dup)) {
            Api.json().delete(base + "/projects/" + id).then().statusCode(204);
        }
        Api.json().get(p).then().statusCode(404).contentType("application/problem+json")
                .body("detail", containsString("doesn't exist")).body("serverId", equalTo(server.toString()));
    }

    /**
     * The export's yes/no options: Labfleet's clients send true/false, GNS3 users yes/no; both reach GNS3 as yes/no.
     * (Read as a JAX-RS Boolean, "yes" was false: a move that asked for snapshots got an archive without them.)
     */
    @Test
    void exportOptionsTakeTrueFalseAndYesNoAndRefuseAnythingElse() throws Exception {
        String projectId = UUID.randomUUID().toString();
        String p = base + "/projects/" + projectId;
        Api.json().body(Map.of("name", "export-" + projectId, "project_id", projectId)).post(base + "/projects")
                .then().statusCode(201);
        Api.json().body(Map.of("name", "kept")).post(p + "/snapshots").then().statusCode(201);
        for (String yes : List.of("true", "yes", "TRUE")) {
            byte[] zip = RestAssured.given().queryParam("include_snapshots", yes).get(p + "/export")
                    .then().statusCode(200).extract().asByteArray();
            assertThat(entries(zip)).as("include_snapshots=" + yes).contains("snapshots/snapshots.conf");
        }
        for (String no : List.of("false", "no")) {
            byte[] zip = RestAssured.given().queryParam("include_snapshots", no).get(p + "/export")
                    .then().statusCode(200).extract().asByteArray();
            assertThat(entries(zip)).as("include_snapshots=" + no).noneMatch(e -> e.startsWith("snapshots/"));
        }
        RestAssured.given().queryParam("include_snapshots", "maybe").get(p + "/export")
                .then().statusCode(400).contentType(containsString("application/problem+json"))
                .body("detail", equalTo("include_snapshots: must be true or false (or yes or no), not 'maybe'"));
        Api.json().delete(p).then().statusCode(204);
    }

    private static List<String> entries(byte[] zip) throws java.io.IOException {
        List<String> names = new java.util.ArrayList<>();
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            for (java.util.zip.ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
        }
        return names;
    }

    @Test
    void pcapIsStreamedWhileTheCaptureRuns() throws Exception {
        String projectId = Api.project(base, "pcap-");
        String p = base + "/projects/" + projectId;
        String a = Api.json().body(Map.of("name", "A", "node_type", "vpcs", "compute_id", "local"))
                .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
        String b = Api.json().body(Map.of("name", "B", "node_type", "vpcs", "compute_id", "local"))
                .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
        String link = Api.json().body(Map.of("nodes", List.of(
                        Map.of("node_id", a, "adapter_number", 0, "port_number", 0),
                        Map.of("node_id", b, "adapter_number", 0, "port_number", 0))))
                .post(p + "/links").then().statusCode(201).extract().path("link_id");
        RestAssured.given().get(p + "/links/" + link + "/pcap").then().statusCode(409)
                .contentType("application/problem+json");
        Api.json().body(Map.of()).post(p + "/links/" + link + "/start_capture").then().statusCode(201)
                .body("capturing", equalTo(true));

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                        URI.create(root.toString()).resolve(p.substring(1) + "/links/" + link + "/pcap"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                    t -> assertThat(t).contains("pcap"));
            byte[] header = in.readNBytes(24); // the pcap global header arrives while the stream stays open
            assertThat(header).hasSize(24);
            assertThat(header[0] & 0xff).isIn(0xd4, 0xa1);
            assertThat(Simulators.a().openPcapStreams()).as("GNS3 pcap streams while ours is open").isEqualTo(1);
        }
        // the client went away: the gateway lets go of GNS3's stream too (a live pcap never ends by itself)
        org.awaitility.Awaitility.await("GNS3's pcap stream closed").atMost(Duration.ofSeconds(10))
                .until(() -> Simulators.a().openPcapStreams() == 0);
        Api.json().post(p + "/links/" + link + "/stop_capture").then().statusCode(201).body("capturing", equalTo(false));
        Api.json().delete(p).then().statusCode(204);
    }

    @Test
    void aQuietCaptureSendsItsPcapHeaderAtOnceAndGns3sOwnCopyIsNotRepeated() throws Exception {
        // as uBridge on a real GNS3: the capture file holds no byte, not even its header, until the first frame
        Simulators.a().faults().quietCaptures();
        try {
            String projectId = Api.project(base, "quiet-pcap-");
            String p = base + "/projects/" + projectId;
            String a = Api.json().body(Map.of("name", "A", "node_type", "vpcs", "compute_id", "local"))
                    .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
            String b = Api.json().body(Map.of("name", "B", "node_type", "vpcs", "compute_id", "local"))
                    .post(p + "/nodes").then().statusCode(201).extract().path("node_id");
            String link = Api.json().body(Map.of("nodes", List.of(
                            Map.of("node_id", a, "adapter_number", 0, "port_number", 0),
                            Map.of("node_id", b, "adapter_number", 0, "port_number", 0))))
                    .post(p + "/links").then().statusCode(201).extract().path("link_id");
            Api.json().body(Map.of()).post(p + "/nodes/start").then().statusCode(204);
            int consoleA = Api.json().get(p + "/nodes/" + a).then().extract().path("console");
            int consoleB = Api.json().get(p + "/nodes/" + b).then().extract().path("console");
            VpcsConsole.run(consoleA, "ip 10.0.0.1/24");
            VpcsConsole.run(consoleB, "ip 10.0.0.2/24");
            Api.json().body(Map.of()).post(p + "/links/" + link + "/start_capture").then().statusCode(201);

            URI pcap = URI.create(root.toString()).resolve(p.substring(1) + "/links/" + link + "/pcap");
            // the first capture opened warms the gateway's path up (class loading and JIT take their time on a
            // loaded machine); it must still answer, not hang as a quiet capture did
            try (InputStream cold = openPcap(pcap, Duration.ofSeconds(15))) {
                assertThat(cold).isNotNull();
            }
            // The link is quiet (nothing is sent on it until the ping below), so a header that waited for the first
            // packet would never come: getting it at all proves it is sent at once. The bound is generous so that a
            // loaded CI machine does not fail it; answering within a second is what a lightly loaded one shows.
            try (InputStream in = openPcap(pcap, Duration.ofSeconds(5))) {

                // the first frame brings GNS3's own header with it: the client gets the frames, not a second header
                assertThat(VpcsConsole.run(consoleA, "ping 10.0.0.2 -c 1")).contains("icmp_seq=1 ttl=64");
                byte[] record = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(in, 16 + 98))
                        .get(5, java.util.concurrent.TimeUnit.SECONDS);
                java.nio.ByteBuffer r = java.nio.ByteBuffer.wrap(record).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                r.position(8);
                assertThat(r.getInt()).as("captured length of the echo request").isEqualTo(98);
                assertThat(record[16 + 12] & 0xff).as("ethertype IPv4").isEqualTo(0x08);
            }
            Api.json().post(p + "/links/" + link + "/stop_capture").then().statusCode(201);
            Api.json().delete(p).then().statusCode(204);
        } finally {
            Simulators.a().faults().clear();
        }
    }

    /**
     * Opens a live capture and reads its 24-byte global header, both within {@code limit}; returns the stream that
     * follows.
     */
    private static InputStream openPcap(URI pcap, Duration limit) throws Exception {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = HttpClient.newBuilder().connectTimeout(limit).build()
                .send(HttpRequest.newBuilder(pcap).timeout(limit).build(), HttpResponse.BodyHandlers.ofInputStream());
        InputStream in = response.body();
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                t -> assertThat(t).contains("pcap"));
        long left = limit.toNanos() - (System.nanoTime() - start);
        byte[] global = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(in, 24))
                .get(Math.max(left, 1), java.util.concurrent.TimeUnit.NANOSECONDS);
        assertThat(java.util.HexFormat.of().formatHex(global))
                .isEqualTo("d4c3b2a1020004000000000000000000ffff000001000000");
        return in;
    }

    private static byte[] read(InputStream in, int n) {
        try {
            return in.readNBytes(n);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void gns3ErrorsBecomeProblems() {
        String missing = UUID.randomUUID().toString();
        Api.json().get(base + "/projects/" + missing).then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("Project ID " + missing + " doesn't exist"))
                .body("gns3Status", equalTo(404));
        String projectId = UUID.randomUUID().toString();
        Api.json().body(Map.of("name", "errors-" + projectId, "project_id", projectId)).post(base + "/projects")
                .then().statusCode(201);
        Api.json().body(Map.of("name", "X1", "node_type", "vpcs"))
                .post(base + "/projects/" + projectId + "/nodes").then().statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", hasItem("compute_id"))
                .body("detail", not(containsString("JSON data")));
        Api.json().body(Map.of("name", "errors-" + projectId)).post(base + "/projects").then().statusCode(409);
        Api.json().delete(base + "/projects/" + projectId).then().statusCode(204);
    }
}
