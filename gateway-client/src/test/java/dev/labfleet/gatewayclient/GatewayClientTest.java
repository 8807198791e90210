package dev.labfleet.gatewayclient;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PfxOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The shared gateway client against a stand-in gateway on a real socket (http and https): every page of a list,
 * streams that keep https and the base path, and the one error mapping.
 */
class GatewayClientTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private Vertx vertx;
    private HttpServer server;
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> seenTls = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int serve(HttpServerOptions options, Consumer<HttpServerRequest> handler) throws Exception {
        server = vertx.createHttpServer(options).requestHandler(request -> {
            seen.add(request.method() + " " + request.uri());
            seenTls.put(request.uri(), request.isSSL());
            handler.accept(request);
        });
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .actualPort();
    }

    private GatewayClient client(String url, Consumer<GatewaySettings.Builder> tune) {
        return client(url, tune, new HttpClientOptions());
    }

    private GatewayClient client(String url, Consumer<GatewaySettings.Builder> tune, HttpClientOptions transport) {
        GatewaySettings.Builder settings = GatewaySettings.builder(url);
        tune.accept(settings);
        return new GatewayClient(io.vertx.mutiny.core.Vertx.newInstance(vertx), settings.build(), null,
                () -> Uni.createFrom().item("Bearer test-token"), transport);
    }

    private static HttpServerOptions tls() {
        return new HttpServerOptions().setSsl(true).setKeyCertOptions(new PfxOptions().setPath(keystore())
                .setPassword("test-only"));
    }

    private static HttpClientOptions trustingTestCertificate() {
        return new HttpClientOptions().setTrustOptions(new PfxOptions().setPath(keystore()).setPassword("test-only"));
    }

    private static String keystore() {
        try {
            return Path.of(GatewayClientTest.class.getResource("/gateway-tls.p12").toURI()).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ paging

    @Test
    void serversReadsEveryPageOfTheList() throws Exception {
        List<UUID> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 120; i++) {
            ids.add(new UUID(0x5e4e, i));
        }
        // the gateway's paging: at most `limit` items, an opaque cursor while more follow
        int port = serve(new HttpServerOptions(), request -> {
            int limit = Integer.parseInt(request.getParam("limit"));
            int from = request.getParam("cursor") == null ? 0 : Integer.parseInt(request.getParam("cursor"));
            JsonArray items = new JsonArray();
            ids.subList(from, Math.min(ids.size(), from + limit)).forEach(id -> items.add(new JsonObject()
                    .put("id", id.toString()).put("name", "s" + id).put("enabled", true).put("status", "UP")
                    .put("createdAt", "2026-12-05T12:00:00Z").put("aFieldAddedLater", 1)));
            JsonObject page = new JsonObject().put("items", items).put("limit", limit);
            if (from + limit < ids.size()) {
                page.put("nextCursor", Integer.toString(from + limit));
            }
            request.response().putHeader("content-type", "application/json").end(page.encode());
        });

        List<ServerView> servers = client("http://127.0.0.1:" + port, s -> s.pageSize(50)).servers().await()
                .atMost(WAIT);

        assertThat(servers).extracting(ServerView::id).containsExactlyElementsOf(ids);
        assertThat(seen).containsExactly("GET /api/v1/servers?limit=50", "GET /api/v1/servers?limit=50&cursor=50",
                "GET /api/v1/servers?limit=50&cursor=100");
    }

    @Test
    void aCursorThatComesBackIsAnUpstreamFailureNotALoop() throws Exception {
        int port = serve(new HttpServerOptions(), request -> request.response()
                .putHeader("content-type", "application/json")
                .end(new JsonObject().put("items", new JsonArray().add(new JsonObject().put("id", UUID.randomUUID()
                        .toString()))).put("nextCursor", "same").encode()));

        assertThatThrownBy(() -> client("http://127.0.0.1:" + port, s -> { }).servers().await().atMost(WAIT))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(502);
                    assertThat(e.problem().detail()).contains("list servers").contains("cursor");
                });
        assertThat(seen).hasSize(2);
    }

    // ------------------------------------------------------------------ streams: https and a base path

    @Test
    void anExportOverHttpsKeepsTheSchemeAndTheBasePath() throws Exception {
        UUID serverId = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        byte[] archive = new byte[300_000];
        new java.util.Random(7).nextBytes(archive);
        int port = serve(tls(), request -> request.response().putHeader("content-type", "application/octet-stream")
                .end(Buffer.buffer(archive)));
        GatewayClient client = client("https://localhost:" + port + "/labfleet-gateway/", s -> { },
                trustingTestCertificate());

        byte[] got = client.export(serverId, projectId, true, false)
                .chain(response -> response.body()).await().atMost(WAIT).getBytes();

        assertThat(got).isEqualTo(archive);
        String uri = "/labfleet-gateway/api/v1/servers/" + serverId + "/projects/" + projectId
                + "/export?include_snapshots=true&reset_mac_addresses=false";
        assertThat(seen).containsExactly("GET " + uri);
        assertThat(seenTls).containsEntry(uri, true);
    }

    @Test
    void aTransferStreamsFromExportToImportOverHttpsUnderTheBasePath() throws Exception {
        UUID source = UUID.randomUUID();
        UUID target = UUID.randomUUID();
        UUID projectId = UUID.randomUUID();
        byte[] archive = new byte[1_000_000];
        new java.util.Random(11).nextBytes(archive);
        int port = serve(tls(), request -> {
            if (request.path().endsWith("/export")) {
                request.response().putHeader("content-type", "application/octet-stream").end(Buffer.buffer(archive));
            } else {
                request.body().onSuccess(body -> request.response().setStatusCode(201)
                        .putHeader("content-type", "application/json")
                        .end(new JsonObject().put("project_id", projectId.toString()).put("name", "lab one")
                                .put("received", body.length()).put("same", java.util.Arrays.equals(body.getBytes(),
                                        archive)).encode()));
            }
        });
        GatewayClient client = client("https://localhost:" + port + "/gw", s -> { }, trustingTestCertificate());

        JsonNode imported = client.transfer(source, target, projectId, "lab one", false).await().atMost(WAIT);

        assertThat(imported.path("received").asInt()).isEqualTo(archive.length);
        assertThat(imported.path("same").asBoolean()).isTrue();
        assertThat(seen).containsExactly(
                "GET /gw/api/v1/servers/" + source + "/projects/" + projectId
                        + "/export?include_snapshots=false&reset_mac_addresses=false",
                "POST /gw/api/v1/servers/" + target + "/projects/" + projectId + "/import?name=lab+one");
        assertThat(seenTls.values()).containsOnly(true);
    }

    @Test
    void aPcapStreamKeepsTheBasePath() throws Exception {
        UUID serverId = UUID.randomUUID();
        int port = serve(new HttpServerOptions(), request -> request.response()
                .putHeader("content-type", "application/vnd.tcpdump.pcap").end("pcap-bytes"));

        String body = client("http://127.0.0.1:" + port + "/base/path", s -> { })
                .stream(serverId, "/projects/p/links/l/pcap", "read capture")
                .chain(response -> response.body()).await().atMost(WAIT).toString();

        assertThat(body).isEqualTo("pcap-bytes");
        assertThat(seen).containsExactly("GET /base/path/api/v1/servers/" + serverId + "/projects/p/links/l/pcap");
    }

    @Test
    void everyCallCarriesTheAuthorization() throws Exception {
        List<String> headers = new CopyOnWriteArrayList<>();
        int port = serve(new HttpServerOptions(), request -> {
            headers.add(request.getHeader("Authorization"));
            request.response().putHeader("content-type", "application/json").end("[]");
        });

        client("http://127.0.0.1:" + port, s -> { }).listNodes(UUID.randomUUID(), UUID.randomUUID()).await()
                .atMost(WAIT);

        assertThat(headers).containsExactly("Bearer test-token");
    }

    // ------------------------------------------------------------------ one error mapping

    @Test
    void aGatewayProblemKeepsItsStatusDetailAndRetryAfter() throws Exception {
        int port = serve(new HttpServerOptions(), request -> {
            if (request.path().endsWith("/open")) {
                request.response().setStatusCode(409).putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("type", "https://labfleet.dev/problems/conflict")
                                .put("title", "Conflict").put("status", 409)
                                .put("detail", "GNS3: project is locked").encode());
            } else {
                request.response().setStatusCode(503).putHeader("Retry-After", "7")
                        .putHeader("content-type", "application/problem+json")
                        .end(new JsonObject().put("type", "https://labfleet.dev/problems/upstream-unavailable")
                                .put("title", "Unavailable").put("status", 503)
                                .put("detail", "GNS3 server x is failing (circuit breaker open)").encode());
            }
        });
        GatewayClient client = client("http://127.0.0.1:" + port, s -> { });

        ProblemException conflict = failure(client.openProject(UUID.randomUUID(), UUID.randomUUID()));
        assertThat(conflict.problem().status()).isEqualTo(409);
        assertThat(conflict.problem().detail()).isEqualTo("GNS3: project is locked");

        ProblemException unavailable = failure(client.listProjects(UUID.randomUUID()));
        assertThat(unavailable.problem().status()).isEqualTo(503);
        assertThat(unavailable.retryAfterSeconds()).isEqualTo(7);
        assertThat(unavailable.problem().detail()).contains("circuit breaker open");
    }

    @Test
    void aGatewayFailureThatIsNoProblemIsA502() throws Exception {
        int port = serve(new HttpServerOptions(), request -> request.response().setStatusCode(500)
                .putHeader("content-type", "text/html").end("<html>Traceback (most recent call last)</html>"));

        ProblemException e = failure(client("http://127.0.0.1:" + port, s -> { })
                .getNode(UUID.randomUUID(), UUID.randomUUID(), "n1"));

        assertThat(e.problem().status()).isEqualTo(502);
        assertThat(e.problem().detail()).isEqualTo("read node: the gateway answered 500");
    }

    @Test
    void anUnreachableGatewayIsA503InPlainWords() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        ProblemException e = failure(client("http://127.0.0.1:" + closedPort, s -> { })
                .listNodes(UUID.randomUUID(), UUID.randomUUID()));

        assertThat(e.problem().status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isNotNull();
        assertThat(e.problem().detail()).isEqualTo("list nodes: the gateway cannot be reached (connection refused)");
    }

    @Test
    void aSilentGatewayIsA504AfterTheOperationsTimeoutWithoutClassNames() throws Exception {
        int port = serve(new HttpServerOptions(), request -> {
            // never answers
        });

        ProblemException e = failure(client("http://127.0.0.1:" + port, s -> s.lifecycleTimeout(Duration.ofMillis(700)))
                .nodeAction(UUID.randomUUID(), UUID.randomUUID(), "n1", "start"));

        assertThat(e.problem().status()).isEqualTo(504);
        assertThat(e.problem().detail()).isEqualTo("start node: the gateway did not answer within 700 ms");
    }

    @Test
    void vertxsOwnRequestTimeoutIsA504Too() {
        // what Vert.x raises when a request's idle timeout fires: before, it became "cannot be reached
        // (NoStackTraceTimeoutException)" (#19 item 1), a 503 with a class name in its detail
        ProblemException e = GatewayProblems.failed("start node",
                new io.vertx.core.impl.NoStackTraceTimeoutException("The timeout period of 30000ms has been exceeded"));

        assertThat(e.problem().status()).isEqualTo(504);
        assertThat(e.problem().detail()).isEqualTo("start node: the gateway did not answer in time")
                .doesNotContain("Exception");
    }

    @Test
    void theTransportWaitsLongerThanEveryOperation() {
        GatewaySettings settings = GatewaySettings.builder("http://gw:8081").build();
        for (Duration operation : List.of(settings.readTimeout(), settings.writeTimeout(),
                settings.lifecycleTimeout(), settings.batchTimeout(), settings.transferTimeout())) {
            assertThat(GatewaySettings.transportTimeout(operation)).isGreaterThan(operation);
        }
    }

    @Test
    void aUrlKeepsItsSchemePortAndBasePath() {
        GatewaySettings https = GatewaySettings.builder("https://gw.example.net/labfleet/gateway/").build();
        assertThat(https.tls()).isTrue();
        assertThat(https.port()).isEqualTo(443);
        assertThat(https.basePath()).isEqualTo("/labfleet/gateway");
        GatewaySettings http = GatewaySettings.builder("http://127.0.0.1:8081").build();
        assertThat(http.tls()).isFalse();
        assertThat(http.port()).isEqualTo(8081);
        assertThat(http.basePath()).isEmpty();
    }

    private static ProblemException failure(Uni<?> call) {
        try {
            call.await().atMost(WAIT);
        } catch (ProblemException e) {
            assertThat(e.problem().detail()).doesNotContain("Exception");
            return e;
        }
        throw new AssertionError("the call succeeded");
    }
}
