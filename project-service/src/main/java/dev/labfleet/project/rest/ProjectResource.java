package dev.labfleet.project.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.id.Ids;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.support.http.HttpLimits;
import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.project.client.ArchiveUpload;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.fleet.MoveRequest;
import dev.labfleet.project.fleet.MoveService;
import dev.labfleet.project.fleet.MoveView;
import dev.labfleet.project.service.OperationService;
import dev.labfleet.project.service.ProjectService;
import dev.labfleet.project.service.SyncService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.net.URI;
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

    public ProjectResource(ProjectService projects, OperationService operations, SyncService sync,
                           HttpLimits limits, MoveService moves) {
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
        return sync.sync(Ids.parseParameter("serverId", serverId));
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
        return projects.list(Ids.parseParameter("serverId", serverId), parsed, tag, name, cursor, limit);
    }

    @GET
    @Path("/{projectId}")
    @Operation(summary = "One lab, with its live node and link counts",
            description = "counts=false leaves the counts out and answers from Labfleet's own record, without asking GNS3.")
    public Uni<ProjectView> get(@PathParam("projectId") UUID projectId,
                                @QueryParam("counts") @DefaultValue("true") boolean counts) {
        return projects.get(projectId, counts);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a lab", description = "Placed by the gateway unless serverId is given. "
            + "Retrying with the same projectId and name returns the lab (200) instead of a second one (201).")
    public Uni<Response> create(@Valid @NotNull CreateProjectRequest request) {
        return projects.create(request).map(result -> Response
                .status(result.created() ? Response.Status.CREATED : Response.Status.OK)
                .location(URI.create("/api/v1/projects/" + result.project().projectId()))
                .entity(result.project()).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{projectId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a lab: name, description, tags, autoStart, autoClose (null leaves a field as is)")
    public Uni<ProjectView> update(@PathParam("projectId") UUID projectId, @Valid @NotNull UpdateProjectRequest request) {
        return projects.update(projectId, request);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{projectId}")
    @Operation(summary = "Delete a lab, on its GNS3 server and here")
    public Uni<Response> delete(@PathParam("projectId") UUID projectId) {
        return projects.delete(projectId).map(ignored -> Response.noContent().build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/open")
    @Operation(summary = "Open a lab on its GNS3 server")
    public Uni<ProjectView> open(@PathParam("projectId") UUID projectId) {
        return projects.open(projectId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/close")
    @Operation(summary = "Close a lab on its GNS3 server (its nodes stop)")
    public Uni<ProjectView> close(@PathParam("projectId") UUID projectId) {
        return projects.close(projectId);
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
    @Operation(summary = "Import a .gns3project archive as a new lab", description = "Placed like a create unless "
            + "serverId is given; GNS3 gives the lab new node and link ids and leaves it closed. The archive streams "
            + "to the lab's GNS3 server as it arrives (labfleet.http.max-upload-size at most: 413 beyond).")
    public Uni<Response> importArchive(
            @QueryParam("name") @NotNull @ValidName
            @Pattern(regexp = "[^/\\\\]*", message = "must not contain / or \\") String name,
            @QueryParam("serverId") String serverId,
            @QueryParam("owner") @ValidName(max = 200) String owner,
            @Context HttpServerRequest request) {
        ArchiveUpload archive = new ArchiveUpload(request, limits.limitOf(request.path()));
        if (archive.declaredLength() == 0) {
            archive.discard();
            throw dev.labfleet.common.problem.ProblemException.invalid("body", "the .gns3project archive is missing");
        }
        return projects.importArchive(name, Ids.parseParameter("serverId", serverId), owner, archive)
                .onFailure().invoke(archive::discard)
                .map(view -> Response.created(URI.create("/api/v1/projects/" + view.projectId())).entity(view).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/duplicate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Copy a lab on its GNS3 server", description = "The copy gets new node ids and console ports.")
    public Uni<Response> duplicate(@PathParam("projectId") UUID projectId,
                                   @Valid @NotNull DuplicateProjectRequest request) {
        return projects.duplicate(projectId, request.name(), Boolean.TRUE.equals(request.resetMacAddresses()))
                .map(view -> Response.created(URI.create("/api/v1/projects/" + view.projectId())).entity(view).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/start")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start every node, staggered", description = "Batches ordered by priority, a pause between "
            + "batches, a result per node; goes on past failures unless stopOnFirstError. Answers 202 with the "
            + "operation to follow at /api/v1/operations/{operationId}.")
    public Uni<Response> startAll(@PathParam("projectId") UUID projectId, @Valid BulkActionRequest request) {
        return accepted(operations.begin(projectId, dev.labfleet.project.domain.Operation.Kind.START, request));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/stop")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Stop every node, staggered", description = "As start, in the same order.")
    public Uni<Response> stopAll(@PathParam("projectId") UUID projectId, @Valid BulkActionRequest request) {
        return accepted(operations.begin(projectId, dev.labfleet.project.domain.Operation.Kind.STOP, request));
    }

    private static Uni<Response> accepted(Uni<OperationView> operation) {
        return operation.map(op -> Response.accepted(op)
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
    public Uni<Response> move(@PathParam("projectId") UUID projectId, @Valid MoveRequest request) {
        return moves.move(projectId, request).map(view -> Response.accepted(view)
                .location(URI.create("/api/v1/moves/" + view.moveId())).build());
    }

    @GET
    @Path("/{projectId}/moves")
    @Operation(summary = "A lab's moves, newest first: its history of servers")
    public Uni<List<MoveView>> history(@PathParam("projectId") UUID projectId) {
        return moves.history(projectId);
    }
}
