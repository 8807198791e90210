package dev.labfleet.automation.client;

import dev.labfleet.support.security.ServiceAuth;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.automation.config.AutomationConfig;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.support.http.TransportRetry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * automation-service's reads of a lab: where it lives (project-service's {@code GET /api/v1/projects/{id}}) and its
 * nodes, their state and console details (the gateway's {@code /api/v1/servers/{serverId}/...}, GNS3's own bodies).
 * Callee problems keep their status and detail; an unreachable callee is a 503, a silent one a 504.
 */
@ApplicationScoped
public class LabClient {

    private final HttpClient http;
    private final URI gateway;
    private final URI projects;
    private final URI topology;
    private final ObjectMapper mapper;
    private final Duration timeout;
    private final ServiceAuth auth;

    public LabClient(Vertx vertx, @ConfigProperty(name = "quarkus.rest-client.gateway.url") String gatewayUrl,
                     @ConfigProperty(name = "quarkus.rest-client.projects.url") String projectsUrl,
                     @ConfigProperty(name = "quarkus.rest-client.topology.url") String topologyUrl,
                     ObjectMapper mapper, AutomationConfig config, ServiceAuth auth) {
        this.auth = auth;
        this.gateway = URI.create(gatewayUrl);
        this.projects = URI.create(projectsUrl);
        this.topology = URI.create(topologyUrl);
        this.mapper = mapper;
        this.timeout = config.gateway().readTimeout();
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(2000).setKeepAlive(true)
                .setMaxPoolSize(32).setIdleTimeout(60));
    }

    /** The lab as project-service has it ({@code projectId}, {@code serverId}, {@code status}...), without counts. */
    public Uni<JsonNode> project(UUID projectId) {
        return get(projects, "/api/v1/projects/" + projectId + "?counts=false", "read lab", "project-service");
    }

    public Uni<JsonNode> nodes(UUID serverId, UUID projectId) {
        return get(gateway, "/api/v1/servers/" + serverId + "/projects/" + projectId + "/nodes", "list nodes",
                "the gateway");
    }

    public Uni<JsonNode> node(UUID serverId, UUID projectId, String nodeId) {
        return get(gateway, "/api/v1/servers/" + serverId + "/projects/" + projectId + "/nodes/" + nodeId,
                "read node", "the gateway");
    }

    /** The registered server ({@code url}...), to reach consoles GNS3 says listen on all addresses. */
    public Uni<JsonNode> server(UUID serverId) {
        return get(gateway, "/api/v1/servers/" + serverId, "read server", "the gateway");
    }

    /** GNS3's templates on a server, to filter nodes by template name. */
    public Uni<JsonNode> templates(UUID serverId) {
        return get(gateway, "/api/v1/servers/" + serverId + "/templates", "list templates", "the gateway");
    }

    /** topology-service's view of the lab's nodes, with their Labfleet labels (only asked when a filter names labels). */
    public Uni<JsonNode> labelledNodes(UUID projectId) {
        return get(topology, "/api/v1/projects/" + projectId + "/nodes", "read node labels", "topology-service");
    }

    /** A call to project-service ({@code /api/v1/projects...}, {@code /api/v1/operations...}). */
    public Uni<JsonNode> projects(HttpMethod method, String path, Object body, String idempotencyKey, String what,
                                  Duration timeout) {
        return call(projects, method, path, body, idempotencyKey, what, "project-service", timeout);
    }

    /** A call to topology-service ({@code /api/v1/projects/{id}/topology}). */
    public Uni<JsonNode> topology(HttpMethod method, String path, Object body, String idempotencyKey, String what,
                                  Duration timeout) {
        return call(topology, method, path, body, idempotencyKey, what, "topology-service", timeout);
    }

    private Uni<JsonNode> get(URI base, String path, String what, String who) {
        return call(base, HttpMethod.GET, path, null, null, what, who, timeout);
    }

    private Uni<JsonNode> call(URI base, HttpMethod method, String path, Object body, String idempotencyKey,
                               String what, String who, Duration timeout) {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : 80).setURI(basePath(base) + path)
                .putHeader("Accept", "application/json");
        if (idempotencyKey != null) {
            options.putHeader("Idempotency-Key", idempotencyKey);
        }
        io.vertx.mutiny.core.buffer.Buffer payload;
        try {
            payload = body == null ? null : io.vertx.mutiny.core.buffer.Buffer.buffer(mapper.writeValueAsBytes(body));
        } catch (IOException e) {
            return Uni.createFrom().failure(ProblemException.badRequest(what + ": the body cannot be written as JSON"));
        }
        if (payload != null) {
            options.putHeader("Content-Type", "application/json");
        }
        // the caller's token while serving a request, the service account's for executions running on their own
        java.util.function.Supplier<Uni<io.vertx.mutiny.core.http.HttpClientResponse>> send = () -> auth.sign(options)
                .chain(signed -> http.request(signed))
                .chain(request -> payload == null ? request.send() : request.send(payload));
        // a read, or a write the callee deduplicates by its Idempotency-Key, is sent again when it got no answer at
        // all (a pooled connection the edge closed as it reloaded)
        boolean idempotent = method == HttpMethod.GET || method == HttpMethod.HEAD || idempotencyKey != null;
        return (idempotent ? TransportRetry.idempotent(send) : send.get())
                .chain(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 400) {
                        throw UpstreamProblems.of(what, who, response.statusCode(), answer.toString(),
                                response.getHeader("Retry-After"));
                    }
                    try {
                        return answer.length() == 0 ? mapper.createObjectNode() : mapper.readTree(answer.getBytes());
                    } catch (IOException e) {
                        throw ProblemException.upstream(what + ": " + who + " answered something that is not JSON");
                    }
                }))
                .ifNoItem().after(timeout).failWith(() -> ProblemException.timeout(what + ": " + who
                        + " did not answer within " + timeout.toMillis() + " ms"))
                .onFailure(e -> !(e instanceof ProblemException))
                .transform(e -> ProblemException.unavailable(what + ": " + who + " cannot be reached", 5));
    }

    private static String basePath(URI base) {
        String path = base.getRawPath();
        return path == null || path.equals("/") ? "" : path.replaceAll("/$", "");
    }
}
