package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.gns3.CreateDrawingRequest;
import dev.labfleet.common.gns3.DrawingView;
import dev.labfleet.common.gns3.UpdateDrawingRequest;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.service.Gns3Proxy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** Drawings on a GNS3 project's canvas. */
@Path("/api/v1/servers/{serverId}/projects/{projectId}/drawings")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3DrawingResource {

    private final Gns3Proxy gns3;

    public Gns3DrawingResource(Gns3Proxy gns3) {
        this.gns3 = gns3;
    }

    @GET
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DrawingView[].class)))
    public Uni<Response> list(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.get(serverId, drawings(projectId), "drawings.list").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @RequestBody(content = @Content(schema = @Schema(implementation = CreateDrawingRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = DrawingView.class)))
    public Uni<Response> create(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @NotNull JsonNode body) {
        return gns3.create(serverId, drawings(projectId), body, "drawing_id", OperationClass.WRITE, "drawings.create")
                .map(Gns3Responses::of);
    }

    @GET
    @Path("/{drawingId}")
    public Uni<Response> get(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                             @PathParam("drawingId") UUID drawingId) {
        return gns3.get(serverId, drawings(projectId) + "/" + drawingId, "drawings.get").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{drawingId}")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateDrawingRequest.class)))
    public Uni<Response> update(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("drawingId") UUID drawingId, @NotNull JsonNode body) {
        return gns3.call(serverId, HttpMethod.PUT, drawings(projectId) + "/" + drawingId, body, OperationClass.WRITE,
                "drawings.update").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{drawingId}")
    public Uni<Response> delete(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("drawingId") UUID drawingId) {
        return gns3.call(serverId, HttpMethod.DELETE, drawings(projectId) + "/" + drawingId, null,
                OperationClass.WRITE, "drawings.delete").map(Gns3Responses::of);
    }

    private static String drawings(UUID projectId) {
        return "/projects/" + projectId + "/drawings";
    }
}
