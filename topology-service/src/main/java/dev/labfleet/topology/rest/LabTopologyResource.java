package dev.labfleet.topology.rest;

import dev.labfleet.support.security.Caller;
import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.topology.config.TopologyConfig;
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

import java.net.URI;
import java.time.Duration;
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
    private final TopologyConfig config;

    public LabTopologyResource(LabTopologyService topology, TopologyApplier applier, TopologyConfig config) {
        this.topology = topology;
        this.applier = applier;
        this.config = config;
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
                    + "changes nothing. Otherwise the spec and the lab are checked, the lab's apply lock is taken and "
                    + "the apply runs in the background: 202 with the apply operation (Location: "
                    + "/api/v1/projects/{projectId}/topology/applies/{applyId}, readable from any replica). "
                    + "wait=<seconds, or 30s, 5m> blocks up to that long: the ended apply is answered 200 when every "
                    + "change was made (or none was needed), 207 with the same report when some failed or were "
                    + "skipped (apply again to finish the job: stable ids make it safe), 202 if it still runs. 400 "
                    + "lists every problem of an invalid spec, nothing applied; 409 while another apply of the lab "
                    + "runs. A client that gives up does not stop an apply; an apply whose replica dies is reported "
                    + "INTERRUPTED and frees the lab within labfleet.topology.apply.lock-lease (15 s).")
    @APIResponse(responseCode = "200", description = "applied (with wait), or the plan when dryRun=true",
            content = @Content(schema = @Schema(oneOf = {ApplyOperationView.class, TopologyPlan.class})))
    @APIResponse(responseCode = "202", description = "accepted: the apply runs",
            content = @Content(schema = @Schema(implementation = ApplyOperationView.class)))
    @APIResponse(responseCode = "207", description = "partly applied (with wait)",
            content = @Content(schema = @Schema(implementation = ApplyOperationView.class)))
    public Uni<Response> put(@PathParam("projectId") UUID projectId,
                             @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                             @QueryParam("wait") String wait,
                             @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                             @HeaderParam(USER_HEADER) String header, String spec) {
        // the authenticated caller; the header only while security is off (tests)
        String user = Caller.recorded(USER_HEADER, header, MAX_USER_LENGTH, null);
        Duration waitFor = Waits.parse("wait", wait, config.apply().maxWait());
        if (spec == null || spec.isBlank()) {
            throw ProblemException.invalid("body", "the topology spec is missing");
        }
        if (dryRun) {
            return topology.plan(projectId, spec, contentType).map(plan -> Response.ok(plan).build());
        }
        io.vertx.core.Context request = io.vertx.core.Vertx.currentContext();
        return applier.begin(projectId, spec, contentType, user).chain(started -> {
            if (waitFor == null || waitFor.isZero()) {
                return Uni.createFrom().item(accepted(ApplyOperationView.of(started.accepted())));
            }
            // a copy of the outcome: this request giving up cancels its wait, never the apply
            return Uni.createFrom().completionStage(() -> started.finished().thenApply(ApplyOperationView::of))
                    .emitOn(command -> request.runOnContext(ignored -> command.run()))
                    .ifNoItem().after(waitFor).recoverWithItem(() -> null)
                    .map(view -> view == null ? accepted(ApplyOperationView.of(started.accepted())) : ended(view));
        });
    }

    @GET
    @Path("/applies/{applyId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "One apply: running, or how it ended with its report",
            description = "Readable from any replica. status RUNNING, then UNCHANGED, APPLIED, PARTIAL or FAILED "
                    + "with the report, INTERRUPTED when the replica running it stopped (apply again), or ERROR when "
                    + "it could not proceed (error, errorStatus).")
    public Uni<ApplyOperationView> apply(@PathParam("projectId") UUID projectId, @PathParam("applyId") UUID applyId) {
        return applier.operation(projectId, applyId).map(ApplyOperationView::of);
    }

    private static Response accepted(ApplyOperationView view) {
        return Response.accepted(view).type(MediaType.APPLICATION_JSON)
                .location(URI.create("/api/v1/projects/" + view.projectId() + "/topology/applies/" + view.applyId()))
                .build();
    }

    private static Response ended(ApplyOperationView view) {
        int status = ApplyStatus.APPLIED.name().equals(view.status()) || ApplyStatus.UNCHANGED.name().equals(view.status())
                ? 200 : view.ended() ? 207 : 202;
        return Response.status(status).entity(view).type(MediaType.APPLICATION_JSON)
                .location(URI.create("/api/v1/projects/" + view.projectId() + "/topology/applies/" + view.applyId()))
                .build();
    }

    @GET
    @Path("/applied")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The spec last applied to the lab, by whom, when, and how it ended")
    public Uni<AppliedSpecView> applied(@PathParam("projectId") UUID projectId) {
        return topology.applied(projectId).map(AppliedSpecView::of);
    }

    @GET
    @Path("/drift")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "What differs between the live lab and the spec last applied to it",
            description = "404 when no spec was applied to the lab yet.")
    public Uni<DriftReport> drift(@PathParam("projectId") UUID projectId) {
        return topology.drift(projectId).map(DriftReport::of);
    }
}
