package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.automation.service.ExecutionService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

/** Script executions: their per-node records, and cancel. The live transcript is {@code .../stream} (WebSocket). */
@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "executions", description = "Script runs, one record per node")
@RolesAllowed(Roles.VIEWER)
public class ExecutionResource {

    private final ExecutionService executions;

    public ExecutionResource(ExecutionService executions) {
        this.executions = executions;
    }

    @GET
    @Operation(summary = "The latest 100 executions, of a lab or a script")
    public Uni<List<ExecutionView>> list(@QueryParam("projectId") UUID projectId,
                                         @QueryParam("scriptId") UUID scriptId) {
        return executions.list(projectId, scriptId);
    }

    @GET
    @Path("/{executionId}")
    @Operation(summary = "An execution with each node's status, rendered commands, transcript, assertions and error")
    public Uni<ExecutionView> get(@PathParam("executionId") UUID executionId) {
        return executions.get(executionId, true);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{executionId}")
    @Operation(summary = "Cancel: running sessions are closed, pending nodes become cancelled (202)")
    public Uni<Response> cancel(@PathParam("executionId") UUID executionId) {
        return executions.cancel(executionId).map(view -> Response.accepted(view).build());
    }
}
