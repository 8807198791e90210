package dev.labfleet.project.fleet;

import dev.labfleet.common.security.Roles;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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

import java.net.URI;
import java.util.UUID;

/**
 * Moving labs between GNS3 servers: every lab of a server ({@code POST /api/v1/servers/{serverId}/evacuate},
 * routed here by the edge), and the moves and evacuations themselves. One lab's move is
 * {@code POST /api/v1/projects/{projectId}/move} (in ProjectResource: JAX-RS matches the longest class path first).
 * Both answer 202 with the operation; it runs on whichever replica claims it and survives the loss of that replica.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "fleet", description = "Moving labs between GNS3 servers: moves and evacuations")
@RolesAllowed(Roles.VIEWER)
public class FleetResource {

    private final MoveService moves;

    public FleetResource(MoveService moves) {
        this.moves = moves;
    }

    @GET
    @Path("/moves/{moveId}")
    @Operation(summary = "A move's state, step, per-step progress and, when it failed, the step and reason")
    public Uni<MoveView> get(@PathParam("moveId") UUID moveId) {
        return moves.get(moveId);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/servers/{serverId}/evacuate")
    @Operation(summary = "Move every lab off a server",
            description = "Drains the server (placement skips it), then moves its labs, concurrency at a time, each "
                    + "as POST /projects/{id}/move does; a lab that fails is rolled back and reported, the others go "
                    + "on. 409 before anything moves when no other server can take the labs.")
    @APIResponse(responseCode = "202", description = "The evacuation, accepted (Location: the evacuation)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EvacuationView.class)))
    public Uni<Response> evacuate(@PathParam("serverId") UUID serverId, @Valid EvacuateRequest request) {
        return moves.evacuate(serverId, request).map(view -> Response.accepted(view)
                .location(URI.create("/api/v1/evacuations/" + view.evacuationId())).build());
    }

    @GET
    @Path("/evacuations/{evacuationId}")
    @Operation(summary = "An evacuation's counts and the move of each lab")
    public Uni<EvacuationView> evacuation(@PathParam("evacuationId") UUID evacuationId) {
        return moves.evacuation(evacuationId);
    }
}
