package dev.labfleet.project.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.project.config.ProjectConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.RestClientBuilder;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * project-service's door to GNS3, through the gateway. Each call has a timeout for its class of operation; the
 * gateway's problems keep their status and detail (a 409 from GNS3 stays a 409); a gateway that can't be reached is
 * a 503, one that is too slow a 504. Retries are the gateway's business (it knows which calls are idempotent).
 */
@ApplicationScoped
public class GatewayClient {

    private final GatewayRestClient rest;
    private final ProjectConfig config;

    public GatewayClient(@ConfigProperty(name = "quarkus.rest-client.gateway.url") String gatewayUrl,
                         ProjectConfig config) {
        this.config = config;
        // Built here rather than injected so the HTTP read timeout follows the operation timeouts: the REST client's
        // default (30 s) would cut a node start or a lab open long before lifecycle-timeout.
        this.rest = RestClientBuilder.newBuilder().baseUri(URI.create(gatewayUrl))
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(transportTimeout(config).toMillis(), TimeUnit.MILLISECONDS)
                .build(GatewayRestClient.class);
    }

    /** The HTTP client's read timeout: above every operation timeout, so those always fire first. */
    static Duration transportTimeout(ProjectConfig config) {
        ProjectConfig.Gateway g = config.gateway();
        Duration longest = g.readTimeout();
        for (Duration d : new Duration[] {g.writeTimeout(), g.lifecycleTimeout()}) {
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest.plusSeconds(30);
    }

    public Uni<JsonNode> place(JsonNode needs) {
        return call("placement", config.gateway().readTimeout(), () -> rest.place(needs));
    }

    public Uni<JsonNode> createProject(UUID serverId, JsonNode body) {
        return call("create project", config.gateway().writeTimeout(), () -> rest.createProject(serverId, body));
    }

    public Uni<JsonNode> getProject(UUID serverId, UUID projectId) {
        return call("read project", config.gateway().readTimeout(), () -> rest.getProject(serverId, projectId));
    }

    public Uni<JsonNode> updateProject(UUID serverId, UUID projectId, JsonNode body) {
        return call("update project", config.gateway().writeTimeout(), () -> rest.updateProject(serverId, projectId, body));
    }

    public Uni<Void> deleteProject(UUID serverId, UUID projectId) {
        return call("delete project", config.gateway().lifecycleTimeout(), () -> rest.deleteProject(serverId, projectId));
    }

    public Uni<JsonNode> openProject(UUID serverId, UUID projectId) {
        return call("open project", config.gateway().lifecycleTimeout(), () -> rest.openProject(serverId, projectId));
    }

    public Uni<Void> closeProject(UUID serverId, UUID projectId) {
        return call("close project", config.gateway().lifecycleTimeout(), () -> rest.closeProject(serverId, projectId));
    }

    public Uni<JsonNode> projectStats(UUID serverId, UUID projectId) {
        return call("project stats", config.gateway().readTimeout(), () -> rest.projectStats(serverId, projectId));
    }

    public Uni<JsonNode> listNodes(UUID serverId, UUID projectId) {
        return call("list nodes", config.gateway().readTimeout(), () -> rest.listNodes(serverId, projectId));
    }

    public Uni<JsonNode> getNode(UUID serverId, UUID projectId, String nodeId) {
        return call("read node", config.gateway().readTimeout(), () -> rest.getNode(serverId, projectId, nodeId));
    }

    /** start, stop, suspend or reload one node. */
    public Uni<JsonNode> nodeAction(UUID serverId, UUID projectId, String nodeId, String action) {
        return call(action + " node", config.gateway().lifecycleTimeout(),
                () -> rest.nodeAction(serverId, projectId, nodeId, action));
    }

    public Uni<JsonNode> duplicateProject(UUID serverId, UUID projectId, JsonNode body) {
        return call("duplicate project", config.gateway().lifecycleTimeout(),
                () -> rest.duplicateProject(serverId, projectId, body));
    }

    public Uni<JsonNode> listSnapshots(UUID serverId, UUID projectId) {
        return call("list snapshots", config.gateway().readTimeout(), () -> rest.listSnapshots(serverId, projectId));
    }

    public Uni<JsonNode> createSnapshot(UUID serverId, UUID projectId, JsonNode body) {
        return call("create snapshot", config.gateway().lifecycleTimeout(),
                () -> rest.createSnapshot(serverId, projectId, body));
    }

    public Uni<JsonNode> restoreSnapshot(UUID serverId, UUID projectId, UUID snapshotId) {
        return call("restore snapshot", config.gateway().lifecycleTimeout(),
                () -> rest.restoreSnapshot(serverId, projectId, snapshotId));
    }

    public Uni<Void> deleteSnapshot(UUID serverId, UUID projectId, UUID snapshotId) {
        return call("delete snapshot", config.gateway().writeTimeout(),
                () -> rest.deleteSnapshot(serverId, projectId, snapshotId));
    }

    /** Every registered GNS3 server, all pages of the gateway's list. */
    public Uni<java.util.List<JsonNode>> listServers() {
        return serverPage(null, new java.util.ArrayList<>());
    }

    private Uni<java.util.List<JsonNode>> serverPage(String cursor, java.util.List<JsonNode> collected) {
        return call("list servers", config.gateway().readTimeout(), () -> rest.listServers(500, cursor))
                .chain(page -> {
                    JsonNode items = page.has("items") ? page.get("items") : page;
                    items.forEach(collected::add);
                    String next = page.path("nextCursor").asText(null);
                    return next == null || next.isBlank() ? Uni.createFrom().item(collected)
                            : serverPage(next, collected);
                });
    }

    public Uni<JsonNode> listProjects(UUID serverId) {
        return call("list projects", config.gateway().readTimeout(), () -> rest.listProjects(serverId));
    }

    public Uni<JsonNode> listLinks(UUID serverId, UUID projectId) {
        return call("list links", config.gateway().readTimeout(), () -> rest.listLinks(serverId, projectId));
    }

    public Uni<JsonNode> updateLink(UUID serverId, UUID projectId, String linkId, JsonNode body) {
        return call("update link", config.gateway().writeTimeout(),
                () -> rest.updateLink(serverId, projectId, linkId, body));
    }

    /** The gateway's {@code ServerView} of a registered server (404 when unknown). */
    public Uni<JsonNode> getServer(UUID serverId) {
        return call("read server", config.gateway().readTimeout(), () -> rest.getServer(serverId));
    }

    /** Marks a server draining (placement skips it); a server already draining keeps its first reason. */
    public Uni<JsonNode> drainServer(UUID serverId, String reason) {
        return call("drain server", config.gateway().writeTimeout(), () -> rest.drainServer(serverId,
                dev.labfleet.common.event.CloudEventCodec.mapper().createObjectNode().put("reason", reason)));
    }

    private <T> Uni<T> call(String what, Duration timeout, Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(call::get)
                .ifNoItem().after(timeout).failWith(() -> ProblemException.timeout(
                        what + ": the gateway did not answer within " + timeout.toSeconds() + " s"))
                .onFailure(WebApplicationException.class).transform(e -> fromGateway(what, (WebApplicationException) e))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(
                        what, "the gateway", e));
    }

    /** The gateway answers problem+json: keep its status, detail and context; never invent a 500. */
    static ProblemException fromGateway(String what, WebApplicationException e) {
        Response response = e.getResponse();
        String body = null;
        try {
            body = response.readEntity(String.class);
        } catch (RuntimeException ignored) {
            // no body
        }
        return fromGateway(what, response.getStatus(), body, response.getHeaderString("Retry-After"));
    }

    /** A gateway error answer (status and body) as the problem to pass on. */
    public static ProblemException fromGateway(String what, int status, String body, String retryAfter) {
        return UpstreamProblems.of(what, "the gateway", status, body, retryAfter);
    }
}
