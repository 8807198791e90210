package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What moving labs between servers needs (issue #20): several simulated servers in one process, a project exported
 * from one and imported on another under the same id (its snapshots with it when asked), and a gateway stand-in that
 * routes, drains and places across them.
 */
class FleetMovesTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static Gns3Simulator a;
    private static Gns3Simulator b;
    private static LabfleetFacade facade;
    private static final UUID B_ID = UUID.fromString("5e4e0000-0000-4000-8000-000000000002");

    @BeforeAll
    static void start() {
        a = Gns3Simulator.start();
        b = Gns3Simulator.start();
        facade = LabfleetFacade.start(a);
        facade.addServer(B_ID, b);
    }

    @AfterAll
    static void stop() {
        facade.close();
        a.close();
        b.close();
    }

    private static HttpResponse<byte[]> send(String method, String url, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode json(String method, String url, String body, int status) throws Exception {
        HttpResponse<byte[]> response = send(method, url, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).as(method + " " + url + ": " + new String(response.body())).isEqualTo(status);
        return response.body().length == 0 ? M.nullNode() : M.readTree(response.body());
    }

    @Test
    void aProjectMovesToAnotherServerWithItsIdAndSnapshotsWhenAsked() throws Exception {
        String id = UUID.randomUUID().toString();
        String src = a.baseUrl() + "/v2/projects/" + id;
        json("POST", a.baseUrl() + "/v2/projects", "{\"name\":\"moving\",\"project_id\":\"" + id + "\"}", 201);
        String pc1 = json("POST", src + "/nodes", "{\"name\":\"PC1\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}", 201)
                .get("node_id").asText();
        String pc2 = json("POST", src + "/nodes", "{\"name\":\"PC2\",\"node_type\":\"vpcs\",\"compute_id\":\"local\"}", 201)
                .get("node_id").asText();
        json("POST", src + "/links", "{\"nodes\":[{\"node_id\":\"" + pc1 + "\",\"adapter_number\":0,\"port_number\":0},"
                + "{\"node_id\":\"" + pc2 + "\",\"adapter_number\":0,\"port_number\":0}]}", 201);
        json("POST", src + "/snapshots", "{\"name\":\"before-class\"}", 201);

        HttpResponse<byte[]> plain = send("GET", src + "/export", null);
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(ProjectArchive.unzip(plain.body()).keySet()).noneMatch(e -> e.startsWith("snapshots/"));
        HttpResponse<byte[]> full = send("GET", src + "/export?include_snapshots=yes", null);
        // as a live GNS3 2.2.60 exports them: each snapshot's archive and their list with ids, names and times
        java.util.Map<String, byte[]> entries = ProjectArchive.unzip(full.body());
        assertThat(entries.keySet()).contains("snapshots/before-class.gns3snapshot", "snapshots/snapshots.conf");
        JsonNode conf = M.readTree(entries.get("snapshots/snapshots.conf"));
        JsonNode taken = json("GET", src + "/snapshots", null, 200).get(0);
        assertThat(conf).hasSize(1);
        // project.gns3 holds what GNS3 writes to disk, nothing a live server refuses to open (a node's "ports" made
        // GNS3 2.2.60's open a 500: docs/real-gns3.md)
        JsonNode file = M.readTree(entries.get("project.gns3"));
        JsonNode node = file.path("topology").path("nodes").get(0);
        assertThat(node.has("ports")).isFalse();
        assertThat(node.has("status")).isFalse();
        assertThat(node.has("properties")).isTrue();
        JsonNode link = file.path("topology").path("links").get(0);
        assertThat(link.has("capturing")).isFalse();
        assertThat(link.path("nodes").get(0).has("adapter_number")).isTrue();
        assertThat(conf.get(0).get("snapshot_id").asText()).isEqualTo(taken.get("snapshot_id").asText());
        assertThat(conf.get(0).get("filename").asText()).isEqualTo("before-class.gns3snapshot");

        // the same id on the other server; GNS3 leaves an import closed, with new node and link ids
        HttpResponse<byte[]> imported = send("POST", b.baseUrl() + "/v2/projects/" + id + "/import?name=moving",
                full.body());
        assertThat(imported.statusCode()).isEqualTo(201);
        JsonNode project = M.readTree(imported.body());
        assertThat(project.get("project_id").asText()).isEqualTo(id);
        assertThat(project.get("status").asText()).isEqualTo("closed");
        String dst = b.baseUrl() + "/v2/projects/" + id;
        JsonNode snapshots = json("GET", dst + "/snapshots", null, 200);
        assertThat(snapshots).hasSize(1);
        assertThat(snapshots.get(0).get("name").asText()).isEqualTo("before-class");
        // 2.2.60 keeps a snapshot's id across export and import (snapshots.conf)
        assertThat(snapshots.get(0).get("snapshot_id").asText()).isEqualTo(taken.get("snapshot_id").asText());
        assertThat(snapshots.get(0).get("description").asText()).isEqualTo(taken.get("description").asText());
        assertThat(snapshots.get(0).get("created_at").asLong())
                .isEqualTo(json("GET", src + "/snapshots", null, 200).get(0).get("created_at").asLong());
        json("POST", dst + "/open", null, 201);
        assertThat(json("GET", dst + "/nodes", null, 200)).hasSize(2);
        assertThat(json("GET", dst + "/links", null, 200)).hasSize(1);
        // a snapshot that came along restores
        json("POST", dst + "/snapshots/" + snapshots.get(0).get("snapshot_id").asText() + "/restore", null, 201);
        assertThat(json("GET", dst + "/nodes", null, 200)).hasSize(2);

        // an archive of an older GNS3 (legacy snapshots/<name>_<ddmmyy_HHMMSS>.gns3project, no snapshots.conf):
        // its snapshots come along under new ids, named and timed by their file names
        java.util.Map<String, byte[]> legacy = new java.util.LinkedHashMap<>(ProjectArchive.unzip(plain.body()));
        legacy.put("snapshots/old-one_030426_101500.gns3project", entries.get("snapshots/before-class.gns3snapshot"));
        String older = UUID.randomUUID().toString();
        assertThat(send("POST", b.baseUrl() + "/v2/projects/" + older + "/import?name=older", ProjectArchive.zip(legacy))
                .statusCode()).isEqualTo(201);
        JsonNode olderSnapshots = json("GET", b.baseUrl() + "/v2/projects/" + older + "/snapshots", null, 200);
        assertThat(olderSnapshots).hasSize(1);
        assertThat(olderSnapshots.get(0).get("name").asText()).isEqualTo("old-one");
        assertThat(olderSnapshots.get(0).get("created_at").asLong()).isEqualTo(1775211300L);

        // without snapshots, none come along
        String other = UUID.randomUUID().toString();
        assertThat(send("POST", b.baseUrl() + "/v2/projects/" + other + "/import?name=plain", plain.body())
                .statusCode()).isEqualTo(201);
        assertThat(json("GET", b.baseUrl() + "/v2/projects/" + other + "/snapshots", null, 200)).isEmpty();
        // the id is taken on b now: a second import under it is GNS3's 409
        assertThat(send("POST", b.baseUrl() + "/v2/projects/" + id + "/import", full.body()).statusCode())
                .isEqualTo(409);
    }

    @Test
    void theGatewayStandInRoutesDrainsAndPlacesAcrossServers() throws Exception {
        String gw = facade.baseUrl();
        List<String> ids = new ArrayList<>();
        json("GET", gw + "/api/v1/servers", null, 200).get("items").forEach(s -> ids.add(s.get("id").asText()));
        assertThat(ids).containsExactlyInAnyOrder(LabfleetFacade.SERVER_ID.toString(), B_ID.toString());

        String id = UUID.randomUUID().toString();
        json("POST", gw + "/api/v1/servers/" + B_ID + "/projects", "{\"name\":\"on-b-" + id + "\",\"project_id\":\""
                + id + "\"}", 201);
        assertThat(send("GET", b.baseUrl() + "/v2/projects/" + id, null).statusCode()).isEqualTo(200);
        assertThat(send("GET", a.baseUrl() + "/v2/projects/" + id, null).statusCode()).isEqualTo(404);
        assertThat(send("GET", gw + "/api/v1/servers/" + UUID.randomUUID() + "/projects", null).statusCode())
                .isEqualTo(404);

        // avoid a: b; pinned a: a; a draining: b even when b holds more projects; both draining or avoided: 503
        assertThat(json("POST", gw + "/api/v1/placements", "{\"avoidServers\":[\"" + LabfleetFacade.SERVER_ID + "\"]}",
                200).get("serverId").asText()).isEqualTo(B_ID.toString());
        assertThat(json("POST", gw + "/api/v1/placements", "{\"strategy\":\"pinned\",\"serverId\":\""
                + LabfleetFacade.SERVER_ID + "\"}", 200).get("serverId").asText())
                .isEqualTo(LabfleetFacade.SERVER_ID.toString());
        assertThat(json("POST", gw + "/api/v1/servers/" + LabfleetFacade.SERVER_ID + "/drain", null, 200)
                .get("draining").asBoolean()).isTrue();
        assertThat(json("GET", gw + "/api/v1/servers/" + LabfleetFacade.SERVER_ID, null, 200).get("draining")
                .asBoolean()).isTrue();
        assertThat(json("POST", gw + "/api/v1/placements", "{}", 200).get("serverId").asText())
                .isEqualTo(B_ID.toString());
        json("POST", gw + "/api/v1/placements", "{\"avoidServers\":[\"" + B_ID + "\"]}", 503);
        json("POST", gw + "/api/v1/servers/" + LabfleetFacade.SERVER_ID + "/undrain", null, 200);
        assertThat(facade.draining(LabfleetFacade.SERVER_ID)).isFalse();
        json("POST", gw + "/api/v1/servers/" + UUID.randomUUID() + "/drain", null, 404);
    }
}
