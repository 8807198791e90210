package dev.labfleet.project.rest;

import dev.labfleet.common.id.Ids;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.common.problem.Waits;
import dev.labfleet.common.security.Roles;
import dev.labfleet.gatewayclient.ArchiveUpload;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.fleet.MoveRequest;
import dev.labfleet.project.fleet.MoveService;
import dev.labfleet.project.fleet.MoveView;
import dev.labfleet.project.service.ImportService;
import dev.labfleet.project.service.OperationService;
import dev.labfleet.project.service.OperationState;
import dev.labfleet.project.service.ProjectService;
import dev.labfleet.project.service.SyncService;
import dev.labfleet.support.http.HttpLimits;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Path("/api/v1/projects")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "projects", description = "Labs across the GNS3 fleet")
@RolesAllowed(Roles.VIEWER)
public class ProjectResource {

    private final ProjectService projects;
    private final OperationService operations;
    private final SyncService sync;
    private final HttpLimits limits;
    private final MoveService moves;
    private final ImportService imports;
    private final dev.labfleet.project.fleet.ClassService classes;

    public ProjectResource(ProjectService projects, OperationService operations, SyncService sync,
                           HttpLimits limits, MoveService moves, ImportService imports,
                           dev.labfleet.project.fleet.ClassService classes) {
        this.imports = imports;
        this.classes = classes;
        this.projects = projects;
        this.operations = operations;
        this.sync = sync;
        this.limits = limits;
        this.moves = moves;
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/sync")
    @Operation(summary = "Reconcile with the GNS3 servers", description = "Adopts labs that exist on a registered "
            + "server but not in Labfleet, and marks missing the labs their server no longer has.")
    public Uni<SyncReport> sync(@QueryParam("serverId") String serverId) {
        return sync.sync(Ids.parseParameter("serverId", serverId)).map(SyncReport::of);
    }

    @GET
    @Operation(summary = "List labs", description = "Oldest first; pass nextCursor as cursor for the next page.")
    public Uni<CursorPage<ProjectView>> list(
            @QueryParam("serverId") String serverId,
            @QueryParam("status") @Pattern(regexp = "opened|closed|missing", message = "must be opened, closed or missing")
            String status,
            @QueryParam("tag") @ValidText(max = 100) String tag,
            @QueryParam("name") @ValidText(max = 200) String name,
            @QueryParam("cursor") String cursor,
            @QueryParam("limit") @Min(1) @Max(CursorPage.MAX_LIMIT) Integer limit) {
        ProjectStatus parsed = status == null ? null : ProjectStatus.valueOf(status.toUpperCase());
        return projects.list(Ids.parseParameter("serverId", serverId), parsed, tag, name, cursor, limit)
                .map(page -> page.map(ProjectView::of));
    }

    @GET
    @Path("/{projectId}")
    @Operation(summary = "One lab, with its live node and link counts",
            description = "counts=false leaves the counts out and answers from Labfleet's own record, without asking GNS3.")
    public Uni<ProjectView> get(@PathParam("projectId") UUID projectId,
                                @QueryParam("counts") @DefaultValue("true") boolean counts) {
        return projects.get(projectId, counts).map(ProjectView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a lab", description = "Placed by the gateway unless serverId is given. "
            + "Retrying with the same projectId and name returns the lab (200) instead of a second one (201).")
    @APIResponse(responseCode = "201", description = "The lab, created (Location: the lab)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProjectView.class)))
    @APIResponse(responseCode = "200", description = "A retry: the lab the first request created", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProjectView.class)))
    public Uni<Response> create(@Valid @NotNull CreateProjectRequest request) {
        return projects.create(request.toNewProject()).map(result -> Response
                .status(result.created() ? Response.Status.CREATED : Response.Status.OK)
                .location(URI.create("/api/v1/projects/" + result.project().projectId()))
                .entity(ProjectView.of(result.project())).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{projectId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a lab: name, description, tags, autoStart, autoClose (null leaves a field as is)")
    public Uni<ProjectView> update(@PathParam("projectId") UUID projectId, @Valid @NotNull UpdateProjectRequest request) {
        return projects.update(projectId, request.toEdit()).map(ProjectView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{projectId}")
    @Operation(summary = "Delete a lab, on its GNS3 server and here")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId) {
        return projects.delete(projectId).map(ignored -> Response.noContent().build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/open")
    @Operation(summary = "Open a lab on its GNS3 server")
    public Uni<ProjectView> open(@PathParam("projectId") UUID projectId) {
        return projects.open(projectId).map(ProjectView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/close")
    @Operation(summary = "Close a lab on its GNS3 server (its nodes stop)")
    public Uni<ProjectView> close(@PathParam("projectId") UUID projectId) {
        return projects.close(projectId).map(ProjectView::of);
    }

    @GET
    @Path("/{projectId}/export")
    @Produces("application/gns3project")
    @Operation(summary = "Export a lab as a .gns3project archive", description = "Streamed from its GNS3 server.")
    public RestMulti<io.vertx.core.buffer.Buffer> export(@PathParam("projectId") UUID projectId,
                                                        @QueryParam("includeSnapshots") boolean includeSnapshots,
                                                        @QueryParam("resetMacAddresses") boolean resetMacAddresses) {
        return RestMulti.fromUniResponse(projects.export(projectId, includeSnapshots, resetMacAddresses),
                stream -> stream.response().toMulti().map(io.vertx.mutiny.core.buffer.Buffer::getDelegate),
                stream -> Map.of("Content-Disposition", List.of("attachment; filename=\"" + stream.fileName() + "\""),
                        "Content-Type", List.of("application/gns3project")),
                stream -> 200);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/import")
    @Consumes({"application/gns3project", "application/zip", MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Import a .gns3project archive as a new lab, as an operation",
            description = "Placed like a create unless serverId is given; GNS3 gives the lab new node and link ids "
                    + "and leaves it closed. The archive streams to the lab's GNS3 server as it arrives "
                    + "(labfleet.http.max-upload-size at most: 413 beyond, nothing imported). Once the whole archive "
                    + "was received the answer is 202 with the import (Location: /api/v1/projects/imports/{importId},"
                    + " readable from any replica) while GNS3 unpacks it and the lab is recorded. wait=<seconds, or "
                    + "30s, 5m> blocks up to that long: 201 with the ended import (Location of the new lab), the "
                    + "import's problem when it failed (409 for an archive GNS3 refuses or a name taken meanwhile), "
                    + "202 if it still runs. Refusals before the archive is read (400, 409 name taken, 413 declared "
                    + "too large, 503 no server) and during its upload (413, 502/503/504) are answered at once. A "
                    + "failed import leaves nothing behind: no lab, no GNS3 project; one whose replica stopped "
                    + "mid-way ends failed within labfleet.project.jobs.lease (upload it again). importId=<uuid> names the "
                    + "import, so a client can follow it before it is answered; an importId already used is a 409.")
    @APIResponse(responseCode = "201", description = "imported (with wait)",
            content = @Content(schema = @Schema(implementation = ImportView.class)))
    @APIResponse(responseCode = "202", description = "received: the import runs",
            content = @Content(schema = @Schema(implementation = ImportView.class)))
    public Uni<Response> importArchive(
            @QueryParam("name") @NotNull @ValidName
            @Pattern(regexp = "[^/\\\\]*", message = "must not contain / or \\") String name,
            @QueryParam("serverId") String serverId,
            @QueryParam("owner") @ValidName(max = 200) String owner,
            @QueryParam("wait") String wait,
            @QueryParam("importId") String importId,
            @Context HttpServerRequest request) {
        ArchiveUpload archive = new ArchiveUpload(request, limits.limitOf(request.path()));
        Duration waitFor;
        UUID id;
        try {
            waitFor = Waits.parse("wait", wait, MAX_WAIT);
            id = Ids.parseParameter("importId", importId);
        } catch (ProblemException e) {
            archive.discard();
            throw e;
        }
        if (archive.declaredLength() == 0) {
            archive.discard();
            throw ProblemException.invalid("body", "the .gns3project archive is missing");
        }
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        return Uni.createFrom().deferred(() -> imports.begin(name, Ids.parseParameter("serverId", serverId), owner,
                        id, archive))
                .onFailure().invoke(archive::discard)
                .chain(begun -> {
                    // a copy of the ending: this request giving up cancels its wait, never the import
                    CompletableFuture<ImportView> ended = begun.finished().thenApply(ImportView::of);
                    CompletableFuture<ImportView> answer = waitFor == null || waitFor.isZero()
                            // the 202 once the archive is all here; a failure before that is answered as such
                            ? CompletableFuture.anyOf(begun.received().toCompletableFuture(), ended)
                            .thenApply(done -> done instanceof ImportView view ? view : ImportView.of(begun.accepted()))
                            : ended;
                    Uni<ImportView> first = Uni.createFrom().completionStage(() -> answer)
                            .emitOn(command -> context.runOnContext(ignored -> command.run()));
                    // without wait, no time limit of its own: the upload is bounded by the gateway's transfer timeout
                    return (waitFor == null || waitFor.isZero() ? first
                            : first.ifNoItem().after(waitFor).recoverWithItem(() -> null))
                            .map(view -> view == null ? accepted(ImportView.of(begun.accepted())) : answered(view))
                            .onFailure(e -> !(e instanceof ProblemException)).transform(e -> ProblemException
                                    .unavailable("import " + begun.accepted().importId() + ": its outcome could not "
                                            + "be read; follow it at /api/v1/projects/imports/"
                                            + begun.accepted().importId(), 5));
                });
    }

    /** The longest {@code ?wait=} an import may ask for (the edge gives long requests 660 s). */
    private static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private static Response accepted(ImportView view) {
        return Response.accepted(view).location(URI.create("/api/v1/projects/imports/" + view.importId())).build();
    }

    /** An import as it is: 201 when it succeeded, its problem when it failed, 202 while it runs. */
    private static Response answered(ImportView view) {
        if ("succeeded".equals(view.status())) {
            return Response.created(URI.create("/api/v1/projects/" + view.projectId())).entity(view).build();
        }
        if ("failed".equals(view.status())) {
            int status = view.errorStatus() == null ? 502 : view.errorStatus();
            throw new ProblemException(new dev.labfleet.common.problem.Problem(
                    dev.labfleet.common.problem.ProblemTypes.forStatus(status).type(),
                    dev.labfleet.common.problem.ProblemTypes.forStatus(status).title(), status, view.error(), null,
                    null, null, null).with("importId", view.importId()));
        }
        return accepted(view);
    }

    @GET
    @Path("/imports/{importId}")
    @Operation(summary = "One import: running, succeeded (projectId is the new lab) or failed (error, errorStatus)",
            description = "Readable from any replica. attempts above 1: the replica receiving the archive stopped and "
                    + "another one ended the import.")
    public Uni<ImportView> importStatus(@PathParam("importId") UUID importId) {
        return imports.get(importId).map(ImportView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/duplicate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Copy a lab on its GNS3 server", description = "The copy gets new node ids and console ports.")
    @APIResponse(responseCode = "201", description = "The copy (Location: the copy)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ProjectView.class)))
    public Uni<Response> duplicate(@PathParam("projectId") UUID projectId,
                                   @Valid @NotNull DuplicateProjectRequest request) {
        return projects.duplicate(projectId, request.name(), Boolean.TRUE.equals(request.resetMacAddresses()))
                .map(view -> Response.created(URI.create("/api/v1/projects/" + view.projectId()))
                        .entity(ProjectView.of(view)).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/start")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start every node, staggered", description = "Batches ordered by priority, a pause between "
            + "batches, a result per node; goes on past failures unless stopOnFirstError. Answers 202 with the "
            + "operation to follow at /api/v1/operations/{operationId}.")
    @APIResponse(responseCode = "202", description = "The operation, accepted (Location: the operation)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperationView.class)))
    public Uni<Response> startAll(@PathParam("projectId") UUID projectId, @Valid BulkActionRequest request) {
        return accepted(operations.begin(projectId, dev.labfleet.project.domain.Operation.Kind.START,
                request == null ? null : request.toPacing()));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/stop")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stop every node, staggered", description = "As start, in the same order.")
    @APIResponse(responseCode = "202", description = "The operation, accepted (Location: the operation)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = OperationView.class)))
    public Uni<Response> stopAll(@PathParam("projectId") UUID projectId, @Valid BulkActionRequest request) {
        return accepted(operations.begin(projectId, dev.labfleet.project.domain.Operation.Kind.STOP,
                request == null ? null : request.toPacing()));
    }

    private static Uni<Response> accepted(Uni<OperationState> operation) {
        return operation.map(OperationView::of).map(op -> Response.accepted(op)
                .location(URI.create("/api/v1/operations/" + op.operationId())).build());
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{projectId}/move")
    @Operation(summary = "Move a lab to another server (placement chooses unless targetServerId)",
            description = "Stops its running nodes, exports it, imports it on the target under the same id, opens it, "
                    + "restores link conditions and suspension, checks node and link counts, starts the nodes that "
                    + "ran (staggered), then deletes it from the source. A failed step rolls the lab back to where it "
                    + "was. 202 with the move; GET its Location for progress.")
    @Consumes(MediaType.APPLICATION_JSON)
    @APIResponse(responseCode = "202", description = "The move, accepted (Location: the move)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MoveView.class)))
    public Uni<Response> move(@PathParam("projectId") UUID projectId, @Valid MoveRequest request) {
        return moves.move(projectId, request).map(view -> Response.accepted(view)
                .location(URI.create("/api/v1/moves/" + view.moveId())).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/copies")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Copy a lab for a class: count copies across servers",
            description = "Exports the lab once, then imports it count times in parallel across the servers (spread or "
                    + "pack, within each server's concurrency and capacity), optionally opening and starting each copy "
                    + "(staggered). Quotas of the owners and group are checked first (409 quota-exceeded). 202 with the "
                    + "class (GET /api/v1/classes/{classId} for one result per copy); a retry with the same classId "
                    + "answers 200 with the same class and makes no further copy.")
    @APIResponse(responseCode = "202", description = "The class, accepted (Location: the class)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = dev.labfleet.project.fleet.ClassView.class)))
    @APIResponse(responseCode = "200", description = "A retry with the same classId: the class the first request made", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = dev.labfleet.project.fleet.ClassView.class)))
    public Uni<Response> copies(@PathParam("projectId") UUID projectId,
                                @Valid @NotNull dev.labfleet.project.fleet.CopyRequest request) {
        return classes.copy(projectId, request).map(accepted -> Response
                .status(accepted.created() ? Response.Status.ACCEPTED : Response.Status.OK)
                .location(URI.create("/api/v1/classes/" + accepted.view().classId()))
                .entity(accepted.view()).build());
    }

    @GET
    @Path("/{projectId}/moves")
    @Operation(summary = "A lab's moves, newest first: its history of servers")
    public Uni<List<MoveView>> history(@PathParam("projectId") UUID projectId) {
        return moves.history(projectId);
    }
}
