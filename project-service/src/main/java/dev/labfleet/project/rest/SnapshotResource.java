package dev.labfleet.project.rest;

import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.OpenAccessMechanism;
import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.project.service.SnapshotService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/**
 * Snapshots of a lab. The name recorded as {@code createdBy} is the authenticated caller's; {@value #USER_HEADER}
 * names it only when security is off (tests).
 */
@Path("/api/v1/projects/{projectId}/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "snapshots", description = "Snapshots of a lab, with who took and restored them")
@RolesAllowed(Roles.VIEWER)
public class SnapshotResource {

    public static final String USER_HEADER = "X-Labfleet-User";
    /** Until authentication replaces the header, its value is checked like a name of this length. */
    static final int MAX_USER_LENGTH = 200;

    private final SnapshotService snapshots;

    public SnapshotResource(SnapshotService snapshots) {
        this.snapshots = snapshots;
    }

    @GET
    @Operation(summary = "List a lab's snapshots")
    public Uni<List<SnapshotView>> list(@PathParam("projectId") UUID projectId) {
        return snapshots.list(projectId).map(list -> list.stream().map(SnapshotView::of).toList());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Take a snapshot (GNS3 answers 409 while nodes run)")
    @APIResponse(responseCode = "201", description = "The snapshot", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = SnapshotView.class)))
    public Uni<Response> create(@PathParam("projectId") UUID projectId, @Valid @NotNull CreateSnapshotRequest request,
                                @HeaderParam(USER_HEADER) String user) {
        String who = Caller.recorded(USER_HEADER, user, MAX_USER_LENGTH, OpenAccessMechanism.NAME);
        return snapshots.create(projectId, request.name(), who)
                .map(view -> Response.status(Response.Status.CREATED).entity(SnapshotView.of(view)).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{snapshotId}/restore")
    @Operation(summary = "Restore a snapshot: the lab goes back to it")
    public Uni<ProjectView> restore(@PathParam("projectId") UUID projectId, @PathParam("snapshotId") UUID snapshotId,
                                    @HeaderParam(USER_HEADER) String user) {
        String who = Caller.recorded(USER_HEADER, user, MAX_USER_LENGTH, OpenAccessMechanism.NAME);
        return snapshots.restore(projectId, snapshotId, who).map(ProjectView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{snapshotId}")
    @Operation(summary = "Delete a snapshot")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId, @PathParam("snapshotId") UUID snapshotId) {
        return snapshots.delete(projectId, snapshotId).map(ignored -> Response.noContent().build());
    }
}
