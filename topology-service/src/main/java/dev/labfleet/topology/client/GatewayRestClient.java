package dev.labfleet.topology.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/** The gateway's GNS3 reads topology-service needs (GNS3 v2 bodies). */
@RegisterRestClient(configKey = "gateway")
@Path("/api/v1/servers/{serverId}/projects/{projectId}")
@Produces(MediaType.APPLICATION_JSON)
interface GatewayRestClient {

    @GET
    @Path("/nodes")
    Uni<JsonNode> nodes(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @GET
    @Path("/links")
    Uni<JsonNode> links(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);
}
