package dev.labfleet.topology.client;

import dev.labfleet.support.security.ServiceAuth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.gns3.BatchRequest;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.topology.config.TopologyConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * topology-service's door to GNS3: the gateway's internal API {@code /api/v1/servers/{serverId}/...}, whose bodies
 * are GNS3's own. One keep-alive Vert.x HTTP client, sized for concurrent applies. A gateway problem keeps its
 * status and detail (404, 409 with GNS3's message, 503 with Retry-After...); an unreachable gateway is a 503 and a
 * silent one a 504, after the call's timeout.
 */
@ApplicationScoped
public class GatewayApi {

    private final HttpClient http;
    private final URI base;
    private final ObjectMapper mapper;
    private final TopologyConfig config;
    private final ServiceAuth auth;

    public GatewayApi(Vertx vertx, @ConfigProperty(name = "quarkus.rest-client.gateway.url") String gatewayUrl,
                      ObjectMapper mapper, TopologyConfig config, ServiceAuth auth) {
        this.auth = auth;
        this.base = URI.create(gatewayUrl);
        this.mapper = mapper;
        this.config = config;
        // No connection idle timeout: Vert.x closes a connection that is idle while a request waits on it, which cut
        // every node start or batch that GNS3 took over a minute to answer. Each request has its own timeout.
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(true)
                .setMaxPoolSize(Math.max(8, config.apply().concurrency() * 2)));
    }

    public Uni<JsonNode> get(UUID serverId, String path, String what) {
        return call(HttpMethod.GET, serverId, path, null, what, config.gateway().readTimeout());
    }

    public Uni<JsonNode> post(UUID serverId, String path, Object body, String what) {
        return call(HttpMethod.POST, serverId, path, body, what, config.gateway().writeTimeout());
    }

    public Uni<JsonNode> put(UUID serverId, String path, Object body, String what) {
        return call(HttpMethod.PUT, serverId, path, body, what, config.gateway().writeTimeout());
    }

    public Uni<JsonNode> delete(UUID serverId, String path, String what) {
        return call(HttpMethod.DELETE, serverId, path, null, what, config.gateway().writeTimeout());
    }

    /**
     * Many calls on one server in as few requests as {@code labfleet.topology.apply.batch-size} allows (the
     * gateway's {@code POST /api/v1/servers/{serverId}/batch}): the gateway runs them concurrently, never two at
     * once on one node, in list order for calls on one node. Batches go one after another, so that order holds
     * across them. Only what an apply needs of each answer is asked for and read (GNS3's full node and link bodies
     * would make a thousand-node batch's answer megabytes).
     *
     * @return each operation's result, in order
     * @throws ProblemException the whole batch failed: the gateway is unreachable, or the server unknown
     */
    public Uni<java.util.List<BatchAnswer>> batch(UUID serverId, java.util.List<BatchOperation> operations,
                                                  int concurrency, String what) {
        int size = Math.max(1, config.apply().batchSize());
        java.util.List<BatchAnswer> results = new java.util.ArrayList<>(operations.size());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (int from = 0; from < operations.size(); from += size) {
            java.util.List<BatchOperation> slice = operations.subList(from, Math.min(operations.size(), from + size));
            chain = chain.chain(() -> exchange(HttpMethod.POST, serverId, "/batch", new BatchRequest(slice, concurrency,
                            BatchAnswer.Body.FIELDS),
                    what, config.gateway().batchTimeout(), this::answers)
                    .invoke(answers -> results.addAll(answers.results())))
                    .replaceWithVoid();
        }
        return chain.map(done -> {
            if (results.size() != operations.size()) {
                throw ProblemException.upstream(what + ": the gateway answered " + results.size() + " results for "
                        + operations.size() + " operations");
            }
            return results;
        });
    }

    private BatchAnswer.Page answers(Buffer answer) {
        try {
            return mapper.readValue(answer.getBytes(), BatchAnswer.Page.class);
        } catch (IOException e) {
            throw ProblemException.upstream("the gateway answered a batch that cannot be read");
        }
    }

    /**
     * One call; answers the gateway's JSON body (an empty object when there is none).
     *
     * @param path    under {@code /api/v1/servers/{serverId}}, e.g. {@code /projects/{id}/nodes}
     * @param what    the operation, for problem details ("create node PC1")
     * @param timeout how long to wait for the whole answer
     */
    public Uni<JsonNode> call(HttpMethod method, UUID serverId, String path, Object body, String what,
                              Duration timeout) {
        return exchange(method, serverId, path, body, what, timeout, this::json);
    }

    private <T> Uni<T> exchange(HttpMethod method, UUID serverId, String path, Object body, String what,
                                Duration timeout, java.util.function.Function<Buffer, T> decode) {
        Buffer payload;
        try {
            payload = body == null ? null : Buffer.buffer(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            return Uni.createFrom().failure(new IllegalArgumentException("unserialisable body for " + what, e));
        }
        return open(method, serverId, path, payload, what, timeout)
                .chain(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 400) {
                        throw UpstreamProblems.of(what, "the gateway", response.statusCode(), answer.toString(),
                                response.getHeader("Retry-After"));
                    }
                    return decode.apply(answer);
                }))
                .ifNoItem().after(timeout).failWith(() -> ProblemException.timeout(what + ": the gateway did not answer within "
                        + timeout.toMillis() + " ms"))
                .onFailure(e -> !(e instanceof ProblemException) && !(e instanceof IllegalArgumentException))
                .transform(e -> UpstreamProblems.unreachable(what, "the gateway", e));
    }

    /**
     * Opens a streamed answer (a pcap, an export): succeeds with the response once the gateway answered 2xx,
     * before any byte of the body is read; fails with the gateway's problem otherwise. The answer must start within
     * the read timeout; the stream may then pause for up to {@code labfleet.topology.gateway.stream-idle-timeout}.
     */
    public Uni<HttpClientResponse> stream(UUID serverId, String path, String what) {
        return open(HttpMethod.GET, serverId, path, null, what, config.gateway().streamIdleTimeout())
                .chain(response -> response.statusCode() < 400 ? Uni.createFrom().item(response)
                        : response.body().<HttpClientResponse>map(answer -> {
                            throw UpstreamProblems.of(what, "the gateway", response.statusCode(), answer.toString(),
                                    response.getHeader("Retry-After"));
                        }))
                .ifNoItem().after(config.gateway().readTimeout()).failWith(() -> ProblemException.timeout(what
                        + ": the gateway did not answer in time"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(
                        what, "the gateway", e));
    }

    /**
     * The registered servers, every page of {@code GET /api/v1/servers} (the gateway's own camelCase
     * {@code ServerView}s: {@code id}, {@code name}, {@code enabled}, {@code status}...).
     */
    public Uni<java.util.List<JsonNode>> servers() {
        return serverPage(null, new java.util.ArrayList<>());
    }

    private Uni<java.util.List<JsonNode>> serverPage(String cursor, java.util.List<JsonNode> collected) {
        String uri = "/api/v1/servers?limit=500" + (cursor == null ? ""
                : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
        Duration timeout = config.gateway().readTimeout();
        return send(HttpMethod.GET, uri, null, timeout)
                .chain(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 400) {
                        throw UpstreamProblems.of("list servers", "the gateway", response.statusCode(),
                                answer.toString(), response.getHeader("Retry-After"));
                    }
                    return json(answer);
                }))
                .ifNoItem().after(timeout).failWith(() -> ProblemException.timeout("list servers: the gateway did not answer in time"))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(
                        "list servers", "the gateway", e))
                .chain(page -> {
                    page.path("items").forEach(collected::add);
                    String next = page.path("nextCursor").asText(null);
                    return next == null || next.isBlank() ? Uni.createFrom().item(collected) : serverPage(next, collected);
                });
    }

    private Uni<HttpClientResponse> open(HttpMethod method, UUID serverId, String path, Buffer payload, String what,
                                         Duration timeout) {
        return send(method, "/api/v1/servers/" + serverId + path, payload, timeout);
    }

    private Uni<HttpClientResponse> send(HttpMethod method, String uri, Buffer payload, Duration timeout) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : 80).setSsl("https".equals(base.getScheme()))
                .setURI((base.getPath() == null ? "" : base.getPath().replaceAll("/$", "")) + uri)
                .setTimeout(timeout.toMillis())
                // JSON answers, problem+json failures, and the streams (a pcap) that are neither
                .putHeader("Accept", "application/json, application/problem+json;q=0.9, */*;q=0.1");
        if (payload != null) {
            options.putHeader("Content-Type", "application/json");
        }
        // the caller's token (or the service account's): the gateway applies the caller's roles
        return auth.sign(options).chain(signed -> http.request(signed))
                .chain(request -> payload == null ? request.send() : request.send(payload));
    }

    private JsonNode json(Buffer answer) {
        if (answer.length() == 0) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(answer.getBytes());
        } catch (IOException e) {
            throw ProblemException.upstream("the gateway answered a body that is not JSON");
        }
    }
}
