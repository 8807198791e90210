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

/** A lab's backup policy: who may see the lab reads it, who may change the lab sets or removes it. */
@Path("/api/v1/projects/{projectId}/backup-policy")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups", description = "Backups of labs outside their GNS3 server, restore and failover")
@RolesAllowed(Roles.VIEWER)
public class BackupPolicyResource {

    private final BackupService backups;

    public BackupPolicyResource(BackupService backups) {
        this.backups = backups;
    }

    @GET
    @Operation(summary = "The lab's backup policy, its next due time and its last error")
    public Uni<BackupPolicyView> policy(@PathParam("projectId") UUID projectId) {
        return backups.getPolicy(projectId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set the lab's backup policy (the first backup is due at once)",
            description = "With failover, a server down longer than labfleet.project.backups.grace has the lab "
                    + "restored from its last backup on another server (same id, nodes that ran started, link "
                    + "conditions and suspension back), recorded as an incident.")
    public Uni<BackupPolicyView> setPolicy(@PathParam("projectId") UUID projectId,
                                           @Valid @NotNull BackupPolicyRequest request) {
        return backups.setPolicy(projectId, request);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Operation(summary = "Remove the lab's backup policy (its backups stay until the lab is deleted)")
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<Response> deletePolicy(@PathParam("projectId") UUID projectId) {
        return backups.deletePolicy(projectId).map(ignored -> Response.noContent().build());
    }
}
