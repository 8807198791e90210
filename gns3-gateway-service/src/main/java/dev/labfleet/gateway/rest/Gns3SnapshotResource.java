package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.gns3.CreateSnapshotRequest;
import dev.labfleet.common.gns3.ProjectView;
import dev.labfleet.common.gns3.SnapshotView;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.service.Gns3Bodies;
import dev.labfleet.gateway.service.Gns3Proxy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

/** GNS3 snapshots of one project. */
@Path("/api/v1/servers/{serverId}/projects/{projectId}/snapshots")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3SnapshotResource {

    private final Gns3Proxy gns3;

    public Gns3SnapshotResource(Gns3Proxy gns3) {
        this.gns3 = gns3;
    }

    @GET
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = SnapshotView[].class)))
    public Uni<Response> list(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.get(serverId, "/projects/" + projectId + "/snapshots", "snapshots.list").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @RequestBody(content = @Content(schema = @Schema(implementation = CreateSnapshotRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = SnapshotView.class)))
    public Uni<Response> create(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @NotNull JsonNode body) {
        Gns3Bodies.requireNamed(body); // GNS3 gives a snapshot's name no type: a wrong one would reach its code
        return gns3.create(serverId, "/projects/" + projectId + "/snapshots", body, null, OperationClass.LIFECYCLE,
                "snapshots.create").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{snapshotId}/restore")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = ProjectView.class)))
    public Uni<Response> restore(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                 @PathParam("snapshotId") UUID snapshotId) {
        return gns3.create(serverId, "/projects/" + projectId + "/snapshots/" + snapshotId + "/restore", null, null,
                OperationClass.LIFECYCLE, "snapshots.restore").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{snapshotId}")
    public Uni<Response> delete(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("snapshotId") UUID snapshotId) {
        return gns3.call(serverId, HttpMethod.DELETE, "/projects/" + projectId + "/snapshots/" + snapshotId, null,
                OperationClass.WRITE, "snapshots.delete").map(Gns3Responses::of);
    }
}
