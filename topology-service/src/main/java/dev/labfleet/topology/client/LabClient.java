package dev.labfleet.topology.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.support.http.TransportRetry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * topology-service's reads of a lab: where it lives (project-service) and its nodes and links (the gateway, through the shared {@link GatewayClient}). Callee
 * problems keep their status; an unreachable callee is a 503, a slow one a 504.
 */
@ApplicationScoped
public class LabClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final ProjectRestClient projects;
    private final GatewayClient gateway;

    public LabClient(@RestClient ProjectRestClient projects, GatewayClient gateway) {
        this.projects = projects;
        this.gateway = gateway;
    }

    /**
     * The lab as project-service has it ({@code projectId}, {@code name}, {@code serverId}, {@code status}...),
     * without its live counts (which would cost project-service a GNS3 call).
     */
    public Uni<JsonNode> project(UUID projectId) {
        // a GET: sent again when it got no answer at all (a replica or an edge worker that left closed the connection)
        return call("read lab", "project-service", () -> TransportRetry.idempotent(() -> projects.get(projectId, false)));
    }

    public Uni<JsonNode> nodes(UUID serverId, UUID projectId) {
        return gateway.listNodes(serverId, projectId);
    }

    public Uni<JsonNode> links(UUID serverId, UUID projectId) {
        return gateway.listLinks(serverId, projectId);
    }

    private static <T> Uni<T> call(String what, String who, Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(call::get)
                .ifNoItem().after(TIMEOUT).failWith(() -> ProblemException.timeout(what + ": " + who + " did not answer in time"))
                .onFailure(WebApplicationException.class).transform(e -> {
                    var response = ((WebApplicationException) e).getResponse();
                    String body = null;
                    try {
                        body = response.readEntity(String.class);
                    } catch (RuntimeException ignored) {
                        // no body
                    }
                    return UpstreamProblems.of(what, who, response.getStatus(), body, response.getHeaderString("Retry-After"));
                })
                .onFailure(e -> !(e instanceof ProblemException)).transform(e -> UpstreamProblems.unreachable(what, who, e));
    }
}
