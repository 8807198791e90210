package dev.labfleet.monitoring.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.support.security.ForwardAuthorization;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/** topology-service: how a lab differs from the spec last applied to it. */
@RegisterProvider(ForwardAuthorization.class)
@RegisterRestClient(configKey = "topology")
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
interface TopologyRestClient {

    @GET
    @Path("/{projectId}/topology/drift")
    Uni<JsonNode> drift(@PathParam("projectId") UUID projectId);
}
