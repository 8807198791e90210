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

/** A lab's failovers (for whoever may see the lab). */
@Path("/api/v1/projects/{projectId}/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups", description = "Backups of labs outside their GNS3 server, restore and failover")
@RolesAllowed(Roles.VIEWER)
public class LabIncidentResource {

    private final BackupService backups;

    public LabIncidentResource(BackupService backups) {
        this.backups = backups;
    }

    @GET
    @Operation(summary = "The lab's failovers, newest first: servers, backup used, what was lost, stale copy removed")
    public Uni<List<IncidentView>> incidents(@PathParam("projectId") UUID projectId) {
        return backups.incidents(projectId);
    }
}
