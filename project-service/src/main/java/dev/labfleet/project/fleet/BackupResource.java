package dev.labfleet.project.fleet;

import dev.labfleet.common.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** A lab's backups, kept outside its GNS3 server (PostgreSQL large objects), and restores from them. */
@Path("/api/v1/projects/{projectId}/backups")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups", description = "Backups of labs outside their GNS3 server, restore and failover")
@RolesAllowed(Roles.VIEWER)
public class BackupResource {

    private final BackupService backups;

    public BackupResource(BackupService backups) {
        this.backups = backups;
    }

    @GET
    @Operation(summary = "The lab's backups, newest first (size, nodes and which ran, links, snapshots)")
    public Uni<List<BackupView>> list(@PathParam("projectId") UUID projectId) {
        return backups.list(projectId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Back the lab up now",
            description = "Exported from its server and streamed into PostgreSQL (with snapshots and pruned to keep "
                    + "when the lab has a policy). 201 with the backup.")
    @APIResponse(responseCode = "201", description = "The backup", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BackupView.class)))
    public Uni<Response> backupNow(@PathParam("projectId") UUID projectId) {
        return backups.backupNow(projectId).map(view -> Response.status(Response.Status.CREATED).entity(view)
                .location(URI.create("/api/v1/projects/" + projectId + "/backups")).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{backupId}/restore")
    @Operation(summary = "Restore the lab from a backup on its server",
            description = "Its copy there is replaced by the backup (same id), opened when it was, link conditions "
                    + "and suspension put back, the nodes that ran started. Everything changed after the backup is "
                    + "lost.")
    public Uni<RestoreView> restore(@PathParam("projectId") UUID projectId, @PathParam("backupId") UUID backupId) {
        return backups.restore(projectId, backupId);
    }
}
