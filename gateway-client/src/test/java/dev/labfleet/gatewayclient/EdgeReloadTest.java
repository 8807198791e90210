package dev.labfleet.gatewayclient;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The services reach the gateway through the edge over pooled connections. When a replica leaves the rotation the
 * edge reloads and closes its idle connections, and a request that goes out on one at that moment gets no answer at
 * all ("connection was closed"): ReplicaIT saw a staggered start end FAILED because its list of nodes met one. Here
 * a stand-in gateway closes the first connection of each route without answering, as the reloading edge did.
 */
class EdgeReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Vertx vertx;
    private GatewayClient gateway;
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> {
            String route = request.method() + " " + request.path().replaceAll("[0-9a-f-]{36}", "{id}");
            if (received.computeIfAbsent(route, r -> new AtomicInteger()).incrementAndGet() == 1) {
                request.connection().close();
            } else {
                request.response().putHeader("Content-Type", "application/json")
                        .end(route.endsWith("/nodes") ? "[{\"node_id\":\"n1\"}]"
                                : route.endsWith("/batch") ? "{\"results\":[{\"id\":\"0\"},{\"id\":\"1\"}]}"
                                : "{\"status\":\"started\"}");
            }
        });
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
        gateway = new GatewayClient(io.vertx.mutiny.core.Vertx.newInstance(vertx),
                GatewaySettings.builder("http://127.0.0.1:" + port).build(), null, () -> Uni.createFrom().nullItem());
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReadThatMetAClosedConnectionIsSentAgainAndAnswered() {
        JsonNode nodes = gateway.listNodes(UUID.randomUUID(), UUID.randomUUID()).await().atMost(WAIT);

        assertThat(nodes.get(0).path("node_id").asText()).isEqualTo("n1");
        assertThat(received.get("GET /api/v1/servers/{id}/projects/{id}/nodes")).hasValue(2);
    }

    @Test
    void aNodeStartAsksForAStateSoItIsSentAgainButAReloadIsNot() {
        UUID server = UUID.randomUUID();
        UUID project = UUID.randomUUID();

        JsonNode started = gateway.nodeAction(server, project, "n1", "start").await().atMost(WAIT);
        ProblemException reload = catchThrowableOfType(ProblemException.class,
                () -> gateway.nodeAction(server, project, "n1", "reload").await().atMost(WAIT));

        assertThat(started.path("status").asText()).isEqualTo("started");
        assertThat(received.get("POST /api/v1/servers/{id}/projects/{id}/nodes/n1/start")).hasValue(2);
        assertThat(reload.problem().status()).isEqualTo(503);
        assertThat(reload.problem().detail()).contains("connection closed before the answer");
        assertThat(received.get("POST /api/v1/servers/{id}/projects/{id}/nodes/n1/reload")).hasValue(1);
    }

    @Test
    void aBatchOfReplayableCallsIsSentAgain() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("node_id", UUID.randomUUID().toString())
                .put("name", "PC1");
        List<BatchOperation> build = List.of(new BatchOperation("0", "POST", "/projects/p/nodes", node),
                new BatchOperation("1", "POST", "/projects/p/links", JsonNodeFactory.instance.objectNode()));

        List<JsonNode> answers = gateway.batch(UUID.randomUUID(), build, 4, null, 10, JsonNode.class, "apply")
                .await().atMost(WAIT);

        assertThat(answers).hasSize(2);
        assertThat(received.get("POST /api/v1/servers/{id}/batch")).hasValue(2);
    }

    @Test
    void aBatchWithACreateFromATemplateIsSentOnce() {
        List<BatchOperation> build = List.of(new BatchOperation("0", "POST", "/projects/p/templates/t", null),
                new BatchOperation("1", "PUT", "/projects/p/nodes/n1", JsonNodeFactory.instance.objectNode()));

        ProblemException failure = catchThrowableOfType(ProblemException.class, () -> gateway.batch(
                UUID.randomUUID(), build, 4, null, 10, JsonNode.class, "apply").await().atMost(WAIT));

        assertThat(failure.problem().status()).isEqualTo(503);
        assertThat(received.get("POST /api/v1/servers/{id}/batch")).hasValue(1);
    }

    @Test
    void onlyCallsThatCanBeReplayedMakeABatchReplaySafe() {
        ObjectNode named = JsonNodeFactory.instance.objectNode().put("node_id", "n1");
        assertThat(GatewayClient.replaySafe(List.of(new BatchOperation("0", "GET", "/projects/p/nodes/n1", null),
                new BatchOperation("1", "DELETE", "/projects/p/links/l1", null),
                new BatchOperation("2", "POST", "/projects/p/nodes/n1/stop", null),
                new BatchOperation("3", "POST", "/projects/p/nodes", named)))).isTrue();
        assertThat(GatewayClient.replaySafe(List.of(new BatchOperation("0", "POST", "/projects/p/nodes",
                JsonNodeFactory.instance.objectNode().put("name", "PC1"))))).isFalse();
        assertThat(GatewayClient.replaySafe(List.of(new BatchOperation("0", "POST", "/projects/p/nodes/n1/reload",
                null)))).isFalse();
        assertThat(GatewayClient.replaySafe(List.of(new BatchOperation("0", "POST", "/projects/p/drawings",
                JsonNodeFactory.instance.objectNode())))).isFalse();
    }

    @Test
    void aProjectOpenCloseDeleteAndAnUpdateAreSentAgain() {
        UUID server = UUID.randomUUID();
        UUID project = UUID.randomUUID();

        gateway.openProject(server, project).await().atMost(WAIT);
        gateway.closeProject(server, project).await().atMost(WAIT);
        gateway.deleteProject(server, project).await().atMost(WAIT);
        gateway.updateProject(server, project, Map.of("name", "renamed")).await().atMost(WAIT);

        assertThat(received.get("POST /api/v1/servers/{id}/projects/{id}/open")).hasValue(2);
        assertThat(received.get("POST /api/v1/servers/{id}/projects/{id}/close")).hasValue(2);
        assertThat(received.get("DELETE /api/v1/servers/{id}/projects/{id}")).hasValue(2);
        assertThat(received.get("PUT /api/v1/servers/{id}/projects/{id}")).hasValue(2);
    }

    @Test
    void aProjectCreateThatNamesItsIdIsSentAgain() {
        JsonNode created = gateway.createProject(UUID.randomUUID(), Map.of("name", "lab",
                "project_id", UUID.randomUUID().toString())).await().atMost(WAIT);

        assertThat(created.path("status").asText()).isEqualTo("started");
        assertThat(received.get("POST /api/v1/servers/{id}/projects")).hasValue(2);
    }

    @Test
    void aCreateWithoutItsIdIsNeverSentTwice() {
        ProblemException failure = catchThrowableOfType(ProblemException.class, () -> gateway.createProject(
                UUID.randomUUID(), Map.of("name", "lab")).await().atMost(WAIT));

        assertThat(failure.problem().status()).isEqualTo(503);
        assertThat(received.get("POST /api/v1/servers/{id}/projects")).hasValue(1);
    }
}
