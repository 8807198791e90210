package dev.labfleet.topology.client;

import dev.labfleet.support.security.ForwardAuthorization;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/** project-service's lab lookup. */
@RegisterProvider(ForwardAuthorization.class)
@RegisterRestClient(configKey = "projects")
@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
interface ProjectRestClient {

    @GET
    @Path("/{projectId}")
    Uni<JsonNode> get(@PathParam("projectId") UUID projectId, @QueryParam("counts") boolean counts);
}
