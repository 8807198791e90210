package dev.labfleet.topology.rest;

import dev.labfleet.support.security.Caller;
import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.format.ExportFormat;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.service.LabTopologyService;
import dev.labfleet.topology.service.TopologyApplier;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/projects/{projectId}/topology")
@Tag(name = "topology", description = "A lab's topology as code")
@RolesAllowed(Roles.VIEWER)
public class LabTopologyResource {

    /** Who applies a spec: recorded with it (the edge gateway sets it from the authenticated user). */
    public static final String USER_HEADER = "X-Labfleet-User";
    /** Until authentication replaces the header, its value is checked like a name of this length. */
    static final int MAX_USER_LENGTH = 200;

    private final LabTopologyService topology;
    private final TopologyApplier applier;

    public LabTopologyResource(LabTopologyService topology, TopologyApplier applier) {
        this.topology = topology;
        this.applier = applier;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, "application/yaml", "application/graphml+xml", "text/vnd.graphviz",
            "text/vnd.mermaid"})
    @Operation(summary = "The live lab as a spec", description = "format=json (default), yaml, graphml, dot or mermaid")
    public Uni<Response> get(@PathParam("projectId") UUID projectId,
                             @QueryParam("format") @DefaultValue("json") String format) {
        ExportFormat exportFormat = ExportFormat.of(format);
        if (exportFormat == null) {
            throw ProblemException.invalid("format", "must be one of json, yaml, graphml, dot, mermaid");
        }
        return topology.export(projectId, exportFormat)
                .map(text -> Response.ok(text, exportFormat.mediaType()).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "text/yaml", "application/x-yaml"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Apply a spec to the lab, or plan it (dryRun=true)",
            description = "dryRun=true answers the plan: create/update/delete per node and link, with reasons, and "
                    + "changes nothing. Otherwise the plan is applied through the gateway: 200 with the report when "
                    + "every change was made (or none was needed), 207 with the same report when some failed or were "
                    + "skipped (apply again to finish the job: stable ids make it safe). 400 lists every problem of an "
                    + "invalid spec, nothing applied; 409 while another apply of the lab runs.")
    @APIResponse(responseCode = "200", description = "applied, or the plan when dryRun=true",
            content = @Content(schema = @Schema(oneOf = {ApplyReport.class, TopologyPlan.class})))
    @APIResponse(responseCode = "207", description = "partly applied",
            content = @Content(schema = @Schema(implementation = ApplyReport.class)))
    public Uni<Response> put(@PathParam("projectId") UUID projectId,
                             @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                             @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                             @HeaderParam(USER_HEADER) String header, String spec) {
        // the authenticated caller; the header only while security is off (tests)
        String user = Caller.recorded(USER_HEADER, header, MAX_USER_LENGTH, null);
        if (spec == null || spec.isBlank()) {
            throw ProblemException.invalid("body", "the topology spec is missing");
        }
        if (dryRun) {
            return topology.plan(projectId, spec, contentType).map(plan -> Response.ok(plan).build());
        }
        return applier.apply(projectId, spec, contentType, user).map(report -> Response
                .status(report.status() == ApplyStatus.APPLIED || report.status() == ApplyStatus.UNCHANGED ? 200 : 207)
                .entity(report).type(MediaType.APPLICATION_JSON).build());
    }

    @GET
    @Path("/applied")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The spec last applied to the lab, by whom, when, and how it ended")
    public Uni<AppliedSpecView> applied(@PathParam("projectId") UUID projectId) {
        return topology.applied(projectId);
    }

    @GET
    @Path("/drift")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What differs between the live lab and the spec last applied to it",
            description = "404 when no spec was applied to the lab yet.")
    public Uni<DriftReport> drift(@PathParam("projectId") UUID projectId) {
        return topology.drift(projectId);
    }
}
