package dev.labfleet.project.client;

import dev.labfleet.support.security.ForwardAuthorization;
import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.util.UUID;

/**
 * The gns3-gateway-service's internal API: GNS3 v2 bodies (snake_case, GNS3's own field names) under
 * {@code /api/v1/servers/{serverId}}, plus placement. Wrapped by {@link GatewayClient}, which owns timeouts and
 * error mapping.
 */
@RegisterProvider(ForwardAuthorization.class)
@RegisterRestClient(configKey = "gateway")
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface GatewayRestClient {

    @POST
    @Path("/placements")
    Uni<JsonNode> place(JsonNode needs);

    @POST
    @Path("/servers/{serverId}/projects")
    Uni<JsonNode> createProject(@PathParam("serverId") UUID serverId, JsonNode body);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}")
    Uni<JsonNode> getProject(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @PUT
    @Path("/servers/{serverId}/projects/{projectId}")
    Uni<JsonNode> updateProject(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                JsonNode body);

    @DELETE
    @Path("/servers/{serverId}/projects/{projectId}")
    Uni<Void> deleteProject(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/open")
    Uni<JsonNode> openProject(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/close")
    Uni<Void> closeProject(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/stats")
    Uni<JsonNode> projectStats(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/nodes")
    Uni<JsonNode> listNodes(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/nodes/{nodeId}")
    Uni<JsonNode> getNode(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                          @PathParam("nodeId") String nodeId);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/nodes/{nodeId}/{action}")
    Uni<JsonNode> nodeAction(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                             @PathParam("nodeId") String nodeId, @PathParam("action") String action);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/duplicate")
    Uni<JsonNode> duplicateProject(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                   JsonNode body);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/snapshots")
    Uni<JsonNode> listSnapshots(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/snapshots")
    Uni<JsonNode> createSnapshot(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                 JsonNode body);

    @POST
    @Path("/servers/{serverId}/projects/{projectId}/snapshots/{snapshotId}/restore")
    Uni<JsonNode> restoreSnapshot(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                  @PathParam("snapshotId") UUID snapshotId);

    @DELETE
    @Path("/servers/{serverId}/projects/{projectId}/snapshots/{snapshotId}")
    Uni<Void> deleteSnapshot(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                             @PathParam("snapshotId") UUID snapshotId);

    @GET
    @Path("/servers")
    Uni<JsonNode> listServers(@jakarta.ws.rs.QueryParam("limit") int limit,
                              @jakarta.ws.rs.QueryParam("cursor") String cursor);

    @GET
    @Path("/servers/{serverId}/projects")
    Uni<JsonNode> listProjects(@PathParam("serverId") UUID serverId);

    @GET
    @Path("/servers/{serverId}/projects/{projectId}/links")
    Uni<JsonNode> listLinks(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId);

    @PUT
    @Path("/servers/{serverId}/projects/{projectId}/links/{linkId}")
    Uni<JsonNode> updateLink(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                             @PathParam("linkId") String linkId, JsonNode body);

    @GET
    @Path("/servers/{serverId}")
    Uni<JsonNode> getServer(@PathParam("serverId") UUID serverId);

    @POST
    @Path("/servers/{serverId}/drain")
    Uni<JsonNode> drainServer(@PathParam("serverId") UUID serverId, JsonNode body);
}
