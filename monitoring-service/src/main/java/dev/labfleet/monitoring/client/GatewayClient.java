package dev.labfleet.monitoring.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.support.http.TransportRetry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * monitoring-service's only way to GNS3 (through the gateway) and to project-service's labs. Every call has a
 * timeout; gateway problems keep their status (404/409...), anything else becomes 503/504, never a 500.
 */
@ApplicationScoped
public class GatewayClient {

    private final GatewayRestClient gateway;
    private final ProjectRestClient projects;
    private final TopologyRestClient topology;
    private final Duration timeout;

    public GatewayClient(@RestClient GatewayRestClient gateway, @RestClient ProjectRestClient projects,
                         @RestClient TopologyRestClient topology,
                         @ConfigProperty(name = "labfleet.monitoring.gateway-timeout", defaultValue = "10s")
                         Duration timeout) {
        this.gateway = gateway;
        this.projects = projects;
        this.topology = topology;
        this.timeout = timeout;
    }

    public Uni<JsonNode> listServers() {
        return read("list servers", "the gateway", () -> gateway.listServers(500));
    }

    public Uni<JsonNode> health(UUID serverId) {
        return read("server health", "the gateway", () -> gateway.health(serverId));
    }

    public Uni<JsonNode> listProjects(UUID serverId) {
        return read("list projects", "the gateway", () -> gateway.listProjects(serverId));
    }

    public Uni<JsonNode> listNodes(UUID serverId, UUID projectId) {
        return read("list nodes", "the gateway", () -> gateway.listNodes(serverId, projectId));
    }

    public Uni<JsonNode> listLinks(UUID serverId, UUID projectId) {
        return read("list links", "the gateway", () -> gateway.listLinks(serverId, projectId));
    }

    public Uni<JsonNode> getLink(UUID serverId, UUID projectId, UUID linkId) {
        return read("read link", "the gateway", () -> gateway.getLink(serverId, projectId, linkId));
    }

    public Uni<JsonNode> startCapture(UUID serverId, UUID projectId, UUID linkId) {
        return call("start capture", "the gateway", () -> gateway.startCapture(serverId, projectId, linkId,
                JsonNodeFactory.instance.objectNode().put("data_link_type", "DLT_EN10MB")));
    }

    public Uni<JsonNode> stopCapture(UUID serverId, UUID projectId, UUID linkId) {
        return call("stop capture", "the gateway", () -> gateway.stopCapture(serverId, projectId, linkId,
                JsonNodeFactory.instance.objectNode()));
    }

    public Uni<JsonNode> startNode(UUID serverId, UUID projectId, UUID nodeId) {
        return call("start node", "the gateway", () -> gateway.startNode(serverId, projectId, nodeId,
                JsonNodeFactory.instance.objectNode()));
    }

    /** project-service's labs, one page. */
    public Uni<JsonNode> listLabs(String cursor) {
        return read("list labs", "project-service", () -> projects.list(500, cursor));
    }

    public Uni<JsonNode> getLab(UUID projectId) {
        return read("read lab", "project-service", () -> projects.get(projectId, false));
    }

    /** topology-service's drift report of a lab (404 before its first apply). */
    public Uni<JsonNode> drift(UUID projectId) {
        return read("read drift", "topology-service", () -> topology.drift(projectId));
    }

    /** A GET: sent again when it got no answer at all (a pooled connection the edge closed as it reloaded). */
    private <T> Uni<T> read(String what, String who, Supplier<Uni<T>> call) {
        return call(what, who, () -> TransportRetry.idempotent(call));
    }

    private <T> Uni<T> call(String what, String who, Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(call::get)
                .ifNoItem().after(timeout).failWith(() -> ProblemException.timeout(
                        what + ": " + who + " did not answer within " + timeout.toSeconds() + " s"))
                .onFailure(WebApplicationException.class).transform(e -> upstream(what, who, (WebApplicationException) e))
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> ProblemException.unavailable(
                        what + ": " + who + " cannot be reached", 5));
    }

    private static ProblemException upstream(String what, String who, WebApplicationException e) {
        Response response = e.getResponse();
        String body = null;
        try {
            body = response.readEntity(String.class);
        } catch (RuntimeException ignored) {
            // no body
        }
        return UpstreamProblems.of(what, who, response.getStatus(), body, response.getHeaderString("Retry-After"));
    }
}
