package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.gns3.BatchRequest;
import dev.labfleet.common.gns3.BatchResponse;
import dev.labfleet.gateway.service.Gns3Batch;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.server.Cancellable;

import java.util.UUID;

/** Many GNS3 calls on one server in one request (what a lab build makes by the thousand). */
@Path("/api/v1/servers/{serverId}/batch")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3BatchResource {

    private final Gns3Batch batch;

    public Gns3BatchResource(Gns3Batch batch) {
        this.batch = batch;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Run GNS3 calls concurrently (never two at once on one node); every call's result",
            description = "Nodes, links and drawings of a project, and node start/stop/suspend/reload. 200 with a "
                    + "result per operation, in order: GNS3's status and body, or the problem the single call would "
                    + "have answered. An invalid operation makes the whole batch a 400 and nothing runs. A caller that "
                    + "closes its connection stops the batch: calls in flight end, no further call is sent.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = BatchResponse.class)))
    @RequestBody(required = true, content = @Content(schema = @Schema(implementation = BatchRequest.class)))
    @Cancellable // a caller that goes away (its replica died, its client gave up) stops the calls not yet sent
    public Uni<Response> run(@PathParam("serverId") UUID serverId, byte[] request) {
        // read as bytes: the gateway streams through the batch once and keeps each call's body as sent
        return batch.run(serverId, request).map(answer -> Response.ok(answer, MediaType.APPLICATION_JSON).build());
    }
}
