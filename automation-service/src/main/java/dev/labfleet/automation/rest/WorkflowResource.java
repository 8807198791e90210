package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.automation.service.WorkflowService;
import dev.labfleet.automation.workflow.WorkflowDefinition;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** Workflows: named, versioned chains of lab steps, checked before they are saved, run durably. */
@Path("/api/v1/workflows")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workflows", description = "Chains of lab steps that survive a replica's crash")
@RolesAllowed(Roles.VIEWER)
public class WorkflowResource {

    private final WorkflowService workflows;

    public WorkflowResource(WorkflowService workflows) {
        this.workflows = workflows;
    }

    @GET
    @Operation(summary = "List the workflows")
    public Uni<List<WorkflowView>> list() {
        return workflows.list();
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a workflow: unknown step kinds, missing steps, variables or scripts, and dependency "
            + "cycles are a 400 naming the step")
    public Uni<Response> create(WorkflowDefinition definition) {
        return workflows.create(definition).map(view -> Response.created(URI.create("/api/v1/workflows/" + view.id()))
                .entity(view).build());
    }

    @GET
    @Path("/{workflowId}")
    public Uni<WorkflowView> get(@PathParam("workflowId") UUID workflowId) {
        return workflows.get(workflowId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{workflowId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a workflow; its version grows when anything changed")
    public Uni<WorkflowView> replace(@PathParam("workflowId") UUID workflowId, WorkflowDefinition definition) {
        return workflows.replace(workflowId, definition);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{workflowId}")
    public Uni<Response> delete(@PathParam("workflowId") UUID workflowId) {
        return workflows.delete(workflowId).map(ignored -> Response.noContent().build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{workflowId}/executions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run the workflow (202 + Location); variables are checked first")
    public Uni<Response> start(@PathParam("workflowId") UUID workflowId, WorkflowRunRequest request) {
        return workflows.start(workflowId, request).map(view -> Response.accepted(view)
                .location(URI.create("/api/v1/workflow-executions/" + view.id())).build());
    }

    @GET
    @Path("/{workflowId}/executions")
    @Operation(summary = "The workflow's latest 100 executions")
    public Uni<List<WorkflowRunView>> runs(@PathParam("workflowId") UUID workflowId) {
        return workflows.runs(workflowId);
    }
}
