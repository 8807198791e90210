package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.automation.service.WorkflowService;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/**
 * Durable workflow executions: state, pause, resume (and approval), cancel. A run on a lab is only reached by those
 * who may see the lab (changed by those who may change it): 403 otherwise (docs/security.md).
 */
@Path("/api/v1/workflow-executions/{executionId}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "workflows")
@RolesAllowed(Roles.VIEWER)
public class WorkflowRunResource {

    private final WorkflowService workflows;
    private final LabDirectory labs;

    public WorkflowRunResource(WorkflowService workflows, LabDirectory labs) {
        this.workflows = workflows;
        this.labs = labs;
    }

    /** Fails (403) unless the caller may see the run's lab, and change it when {@code change}. */
    private Uni<Void> owned(UUID executionId, boolean change) {
        SecurityIdentity caller = Caller.current();
        return workflows.run(executionId).chain(run -> labs.require(caller, run.projectId(), change));
    }

    @GET
    @Operation(summary = "The execution: status, next step, variables, each step's result, lease and takeovers")
    public Uni<WorkflowRunView> get(@PathParam("executionId") UUID executionId) {
        SecurityIdentity caller = Caller.current();
        return workflows.run(executionId).call(run -> labs.require(caller, run.projectId(), false));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/pause")
    @Operation(summary = "Pause after the current step")
    public Uni<WorkflowRunView> pause(@PathParam("executionId") UUID executionId) {
        return owned(executionId, true).chain(() -> workflows.pause(executionId));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/resume")
    @Operation(summary = "Resume a paused execution, or approve the approval step it waits on")
    public Uni<WorkflowRunView> resume(@PathParam("executionId") UUID executionId) {
        return owned(executionId, true).chain(() -> workflows.resume(executionId));
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Operation(summary = "Cancel (202); the step running finishes, no further step starts")
    public Uni<Response> cancel(@PathParam("executionId") UUID executionId) {
        return owned(executionId, true).chain(() -> workflows.cancel(executionId)).map(view -> Response.accepted(view).build());
    }
}
