package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.automation.service.ExecutionService;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabDirectory;
import io.quarkus.security.identity.SecurityIdentity;
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

/**
 * Script executions: their per-node records, and cancel. The live transcript is {@code .../stream} (WebSocket).
 * Ownership (docs/security.md): an execution belongs to its lab; a caller who may not see the lab gets a 403 on it,
 * and lists only show executions of labs the caller may see.
 */
@Path("/api/v1/executions")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "executions", description = "Script runs, one record per node")
@RolesAllowed(Roles.VIEWER)
public class ExecutionResource {

    private final ExecutionService executions;
    private final LabDirectory labs;

    public ExecutionResource(ExecutionService executions, LabDirectory labs) {
        this.executions = executions;
        this.labs = labs;
    }

    @GET
    @Operation(summary = "The latest 100 executions, of a lab or a script")
    public Uni<List<ExecutionView>> list(@QueryParam("projectId") UUID projectId,
                                         @QueryParam("scriptId") UUID scriptId) {
        SecurityIdentity caller = Caller.current();
        return labs.require(caller, projectId, false)
                .chain(() -> executions.list(projectId, scriptId))
                .chain(list -> labs.visible(caller, list.stream().map(ExecutionView::projectId).toList())
                        .map(visible -> list.stream().filter(e -> LabDirectory.among(visible, e.projectId())).toList()));
    }

    @GET
    @Path("/{executionId}")
    @Operation(summary = "An execution with each node's status, rendered commands, transcript, assertions and error",
            description = "nodes=false leaves the nodes out (status and counts only): a cheap poll for a caller "
                    + "waiting for the end of a run over many nodes.")
    public Uni<ExecutionView> get(@PathParam("executionId") UUID executionId, @QueryParam("nodes") Boolean nodes) {
        SecurityIdentity caller = Caller.current();
        return (Boolean.FALSE.equals(nodes) ? executions.summary(executionId) : executions.get(executionId, true))
                .call(view -> labs.require(caller, view.projectId(), false));
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{executionId}")
    @Operation(summary = "Cancel: running sessions are closed, pending nodes become cancelled (202)")
    public Uni<Response> cancel(@PathParam("executionId") UUID executionId) {
        SecurityIdentity caller = Caller.current();
        return executions.get(executionId, false)
                .chain(view -> labs.require(caller, view.projectId(), true))
                .chain(() -> executions.cancel(executionId)).map(view -> Response.accepted(view).build());
    }
}
