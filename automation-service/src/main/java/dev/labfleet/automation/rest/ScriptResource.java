package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.automation.service.ExecutionService;
import dev.labfleet.automation.service.ScriptService;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabDirectory;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.UUID;

/** The script library and script executions. */
@Path("/api/v1/scripts")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scripts", description = "Parameterised console scripts, run on many nodes at once")
@RolesAllowed(Roles.VIEWER)
public class ScriptResource {

    public static final String YAML = "application/yaml";

    private final ScriptService scripts;
    private final ExecutionService executions;
    private final LabDirectory labs;

    public ScriptResource(ScriptService scripts, ExecutionService executions, LabDirectory labs) {
        this.labs = labs;
        this.scripts = scripts;
        this.executions = executions;
    }

    @GET
    @Operation(summary = "List the scripts (isTemplate=true: only templates, false: only runnable scripts)")
    public Uni<List<ScriptView>> list(@QueryParam("isTemplate") Boolean template) {
        return scripts.list(template);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a script; its body is checked as a template, its variables and assertions as declared")
    public Uni<Response> create(ScriptRequest request) {
        return scripts.create(request).map(view -> Response.created(URI.create("/api/v1/scripts/" + view.id()))
                .entity(view).build());
    }

    @GET
    @Path("/{scriptId}")
    @Operation(summary = "Read a script")
    public Uni<ScriptView> get(@PathParam("scriptId") UUID scriptId) {
        return scripts.get(scriptId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{scriptId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a script; its version grows when anything changed")
    public Uni<ScriptView> replace(@PathParam("scriptId") UUID scriptId, ScriptRequest request) {
        return scripts.replace(scriptId, request);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{scriptId}")
    @Operation(summary = "Delete a script (its executions stay readable)")
    public Uni<Response> delete(@PathParam("scriptId") UUID scriptId) {
        return scripts.delete(scriptId).map(ignored -> Response.noContent().build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{scriptId}/instantiate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Make a new script from a template, its variables bound to the given values")
    public Uni<Response> instantiate(@PathParam("scriptId") UUID scriptId, InstantiateRequest request) {
        return scripts.instantiate(scriptId, request).map(view -> Response.created(
                URI.create("/api/v1/scripts/" + view.id())).entity(view).build());
    }

    @GET
    @Path("/export")
    @Produces(YAML)
    @Operation(summary = "The whole library as YAML")
    public Uni<String> export() {
        return scripts.export();
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/import")
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN})
    @Operation(summary = "Create or update scripts (by name) from YAML as the export writes it; all or nothing")
    public Uni<ImportReport> importYaml(String yaml) {
        return scripts.importYaml(yaml);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{scriptId}/executions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Run the script on a lab's nodes: 202 with the execution's Location; variables and the "
            + "rendered body are checked for every node before any console is touched")
    public Uni<Response> execute(@PathParam("scriptId") UUID scriptId, ExecutionRequest request) {
        // only on a lab the caller may change (403 before anything runs; a missing projectId is the 400 of start)
        return labs.require(Caller.current(), request == null ? null : request.projectId(), true)
                .chain(() -> executions.start(scriptId, request)).map(view -> Response.accepted(view)
                .location(URI.create("/api/v1/executions/" + view.id())).build());
    }
}
