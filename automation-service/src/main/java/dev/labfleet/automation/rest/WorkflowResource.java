package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.automation.service.WorkflowService;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabDirectory;
import io.quarkus.security.identity.SecurityIdentity;
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
    private final LabDirectory labs;

    public WorkflowResource(WorkflowService workflows, LabDirectory labs) {
        this.workflows = workflows;
        this.labs = labs;
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
        // a run on a lab only by one who may change that lab (its later steps run as the service account)
        return labs.require(Caller.current(), request == null ? null : request.projectId(), true)
                .chain(() -> workflows.start(workflowId, request)).map(view -> Response.accepted(view)
                .location(URI.create("/api/v1/workflow-executions/" + view.id())).build());
    }

    @GET
    @Path("/{workflowId}/executions")
    @Operation(summary = "The workflow's latest 100 executions")
    public Uni<List<WorkflowRunView>> runs(@PathParam("workflowId") UUID workflowId) {
        SecurityIdentity caller = Caller.current();
        return workflows.runs(workflowId).chain(list -> labs.visible(caller, list.stream()
                        .map(WorkflowRunView::projectId).toList())
                // a run without a lab is everyone's who may read workflows; one on a lab, of those who see the lab
                .map(visible -> list.stream().filter(r -> r.projectId() == null
                        || LabDirectory.among(visible, r.projectId())).toList()));
    }
}
