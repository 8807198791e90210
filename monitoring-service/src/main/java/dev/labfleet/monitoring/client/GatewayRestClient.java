package dev.labfleet.monitoring.client;

import dev.labfleet.support.security.ForwardAuthorization;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/** The gns3-gateway-service's internal API (GNS3 v2 bodies under {@code /api/v1/servers/{serverId}}). */
@RegisterProvider(ForwardAuthorization.class)
@RegisterRestClient(configKey = "gateway")
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface GatewayRestClient {

    @GET
    @Path("/servers")
    Uni<JsonNode> listServers(@QueryParam("limit") int limit);

    @GET
    @Path("/servers/{serverId}/health")
    Uni<JsonNode> health(@PathParam("serverId") UUID serverId);

    @GET
    @Path("/servers/{serverId}/projects")
    Uni<JsonNode> listProjects(@PathParam("serverId") UUID serverId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/nodes")
    Uni<JsonNode> listNodes(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/links")
    Uni<JsonNode> listLinks(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/links/{linkId}")
    Uni<JsonNode> getLink(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                          @PathParam("linkId") UUID linkId);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/links/{linkId}/start_capture")
    Uni<JsonNode> startCapture(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                               @PathParam("linkId") UUID linkId, JsonNode body);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/links/{linkId}/stop_capture")
    Uni<JsonNode> stopCapture(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                              @PathParam("linkId") UUID linkId, JsonNode body);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/nodes/{nodeId}/start")
    Uni<JsonNode> startNode(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                            @PathParam("nodeId") UUID nodeId, JsonNode body);
}
