package dev.labfleet.gateway.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.gns3.BatchResult;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.gatewayclient.GatewaySettings;
import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract between the services' shared {@link GatewayClient} and the two things it talks to: the real gateway
 * (this service, over a simulated GNS3) and {@link LabfleetFacade}, the stand-in the services' own tests use. The
 * same client calls run against both, and what each answered (statuses, the fields the services read, the problem
 * statuses of refusals) must be the same: a route the facade answers differently from the gateway fails here, not in
 * production.
 */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class GatewayClientContractTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Gns3Simulator facadeSimulator;
    private static LabfleetFacade facade;

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper mapper;

    @BeforeAll
    static void startFacade() {
        facadeSimulator = Gns3Simulator.start();
        facade = LabfleetFacade.start(facadeSimulator);
    }

    @AfterAll
    static void stopFacade() {
        if (facade != null) {
            facade.close();
        }
        if (facadeSimulator != null) {
            facadeSimulator.close();
        }
    }

    private GatewayClient client(String url) {
        return new GatewayClient(vertx, GatewaySettings.builder(url).pageSize(2).build(), mapper,
                () -> Uni.createFrom().nullItem());
    }

    @Test
    void theFacadeAnswersTheClientsCallsAsTheGatewayDoes() {
        UUID realServer = Api.server("contract-sim", Simulators.a().baseUrl());
        List<String> real = transcript(client("http://127.0.0.1:" + io.restassured.RestAssured.port), realServer);
        List<String> standIn = transcript(client(facade.baseUrl()), LabfleetFacade.SERVER_ID);

        assertThat(standIn).containsExactlyElementsOf(real);
    }

    /** What the services read of each call, ids left out (they differ between the two). */
    private List<String> transcript(GatewayClient gateway, UUID serverId) {
        List<String> out = new ArrayList<>();
        UUID projectId = UUID.randomUUID();
        String name = "contract-" + projectId;

        List<ServerView> servers = await(gateway.servers());
        out.add("servers lists the server: " + servers.stream().anyMatch(s -> serverId.equals(s.id())));
        out.add("servers are enabled: " + servers.stream().filter(s -> serverId.equals(s.id()))
                .allMatch(ServerView::enabled));
        ServerView server = await(gateway.server(serverId));
        out.add("server: id " + serverId.equals(server.id()) + ", named " + (server.name() != null)
                + ", draining " + server.draining());
        out.add("unknown server: " + status(() -> gateway.server(UUID.randomUUID())));
        out.add("pinned placement: " + serverId.equals(await(gateway.place(new PlacementRequest(0, null, null, null,
                "pinned", serverId))).serverId()));

        JsonNode created = await(gateway.createProject(serverId, Map.of("name", name, "project_id",
                projectId.toString())));
        out.add("create project: " + keys(created, "project_id", "name", "status") + " id kept "
                + projectId.toString().equals(created.path("project_id").asText()));
        out.add("projects list it: " + contains(await(gateway.listProjects(serverId)), "project_id", projectId));
        out.add("read project: status " + await(gateway.getProject(serverId, projectId)).path("status").asText());
        out.add("open project: status " + await(gateway.openProject(serverId, projectId)).path("status").asText());
        out.add("update project: name " + await(gateway.updateProject(serverId, projectId,
                Map.of("name", name + "-renamed"))).path("name").asText().endsWith("-renamed"));

        JsonNode node = await(gateway.post(serverId, "/projects/" + projectId + "/nodes",
                Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local"), "create node"));
        String nodeId = node.path("node_id").asText();
        out.add("create node: " + keys(node, "node_id", "name", "node_type", "status", "console", "ports"));
        out.add("list nodes: " + await(gateway.listNodes(serverId, projectId)).size());
        out.add("start node: status " + await(gateway.nodeAction(serverId, projectId, nodeId, "start"))
                .path("status").asText());
        out.add("read node: status " + await(gateway.getNode(serverId, projectId, nodeId)).path("status").asText());
        out.add("unknown node: " + status(() -> gateway.getNode(serverId, projectId, UUID.randomUUID().toString())));
        out.add("stop node: status " + await(gateway.nodeAction(serverId, projectId, nodeId, "stop"))
                .path("status").asText());
        out.add("list links: " + await(gateway.listLinks(serverId, projectId)).size());
        out.add("stats: " + await(gateway.projectStats(serverId, projectId)).isObject());

        List<BatchResult> batch = await(gateway.batch(serverId, List.of(
                        new BatchOperation("a", "GET", "/projects/" + projectId + "/nodes/" + nodeId, null),
                        new BatchOperation("b", "GET", "/projects/" + projectId + "/nodes/" + UUID.randomUUID(), null)),
                null, List.of("node_id", "name"), 50, BatchResult.class, "batch"));
        out.add("batch: " + batch.stream().map(r -> r.id() + "=" + r.status() + (r.ok()
                ? " " + r.body().path("name").asText() : "")).toList());

        JsonNode snapshot = await(gateway.createSnapshot(serverId, projectId, Map.of("name", "snap1")));
        out.add("create snapshot: " + keys(snapshot, "snapshot_id", "name"));
        out.add("list snapshots: " + await(gateway.listSnapshots(serverId, projectId)).size());
        out.add("delete snapshot: " + status(() -> gateway.deleteSnapshot(serverId, projectId,
                UUID.fromString(snapshot.path("snapshot_id").asText()))));

        byte[] archive = await(gateway.export(serverId, projectId, false, false).chain(r -> r.body())).getBytes();
        out.add("export: a zip " + (archive.length > 4 && archive[0] == 'P' && archive[1] == 'K'));

        out.add("close project: " + status(() -> gateway.closeProject(serverId, projectId)));
        out.add("delete project: " + status(() -> gateway.deleteProject(serverId, projectId)));
        out.add("read deleted project: " + status(() -> gateway.getProject(serverId, projectId)));
        out.add("open deleted project: " + status(() -> gateway.openProject(serverId, projectId)));
        return out;
    }

    private static <T> T await(Uni<T> call) {
        return call.await().atMost(WAIT);
    }

    /** "ok", or the problem's status. */
    private static String status(Supplier<Uni<?>> call) {
        try {
            call.get().await().atMost(WAIT);
            return "ok";
        } catch (ProblemException e) {
            return Integer.toString(e.problem().status());
        }
    }

    private static String keys(JsonNode body, String... wanted) {
        TreeSet<String> present = new TreeSet<>();
        for (String key : wanted) {
            if (body.has(key)) {
                present.add(key);
            }
        }
        return present.toString();
    }

    private static boolean contains(JsonNode list, String key, UUID id) {
        for (JsonNode item : list) {
            if (id.toString().equals(item.path(key).asText())) {
                return true;
            }
        }
        return false;
    }
}
