package dev.labfleet.project.fleet;

import dev.labfleet.common.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/** Every failover of the fleet (admins; a lab's own are at {@code /api/v1/projects/{projectId}/incidents}). */
@Path("/api/v1/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "backups", description = "Backups of labs outside their GNS3 server, restore and failover")
@RolesAllowed(Roles.ADMIN)
public class IncidentResource {

    private final BackupService backups;

    public IncidentResource(BackupService backups) {
        this.backups = backups;
    }

    @GET
    @Operation(summary = "Failovers, newest first (at most 500): state, the failed and new server, what was lost")
    public Uni<List<IncidentView>> list() {
        return backups.allIncidents();
    }
}
