package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.gns3.CreateProjectRequest;
import dev.labfleet.common.gns3.DuplicateProjectRequest;
import dev.labfleet.common.gns3.ProjectStatsView;
import dev.labfleet.common.gns3.ProjectView;
import dev.labfleet.common.gns3.UpdateProjectRequest;
import dev.labfleet.common.problem.Names;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.service.Gns3Bodies;
import dev.labfleet.gateway.service.Gns3Proxy;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.validation.constraints.NotNull;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import dev.labfleet.support.security.LabDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.UUID;

/** GNS3 projects of one server: CRUD, open, close, duplicate, stats, and streamed export and import. */
@Path("/api/v1/servers/{serverId}/projects")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3ProjectResource {

    private static final String ZIP = "application/zip";
    private static final int CHUNK = 64 * 1024;

    private final Gns3Proxy gns3;
    private final LabDirectory labs;

    public Gns3ProjectResource(Gns3Proxy gns3, LabDirectory labs) {
        this.gns3 = gns3;
        this.labs = labs;
    }

    /**
     * The server's GNS3 projects; a caller who does not see every lab (not an admin) gets only the projects of labs
     * it may see (docs/security.md), so a GNS3 project no lab records is an admin's alone.
     */
    @GET
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ProjectView[].class)))
    public Uni<Response> list(@PathParam("serverId") UUID serverId) {
        SecurityIdentity caller = Caller.current();
        return gns3.get(serverId, "/projects", "projects.list").chain(answer -> {
            if (LabAccess.seesAll(caller) || answer.status() != 200 || answer.body() == null) {
                return Uni.createFrom().item(Gns3Responses.of(answer));
            }
            JsonArray all;
            try {
                all = new JsonArray(answer.body().getDelegate());
            } catch (RuntimeException e) {
                return Uni.createFrom().item(Gns3Responses.of(answer)); // not a list: GNS3's answer as it is
            }
            java.util.List<Object> ids = new java.util.ArrayList<>();
            all.forEach(p -> ids.add(p instanceof JsonObject o ? o.getString("project_id") : null));
            return labs.visible(caller, ids).map(visible -> {
                JsonArray kept = new JsonArray();
                all.forEach(p -> {
                    if (p instanceof JsonObject o && LabDirectory.among(visible, o.getString("project_id"))) {
                        kept.add(o);
                    }
                });
                return Response.ok(kept.encode(), MediaType.APPLICATION_JSON).build();
            });
        });
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Create a project; give project_id to make the call safely retryable")
    @RequestBody(content = @Content(schema = @Schema(implementation = CreateProjectRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = ProjectView.class)))
    public Uni<Response> create(@PathParam("serverId") UUID serverId, @NotNull JsonNode body) {
        return gns3.create(serverId, "/projects", body, "project_id", OperationClass.WRITE, "projects.create")
                .map(Gns3Responses::of);
    }

    @GET
    @Path("/{projectId}")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ProjectView.class)))
    public Uni<Response> get(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.get(serverId, "/projects/" + projectId, "projects.get").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{projectId}")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateProjectRequest.class)))
    public Uni<Response> update(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @NotNull JsonNode body) {
        return gns3.call(serverId, HttpMethod.PUT, "/projects/" + projectId, body, OperationClass.WRITE,
                "projects.update").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{projectId}")
    public Uni<Response> delete(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.call(serverId, HttpMethod.DELETE, "/projects/" + projectId, null, OperationClass.LIFECYCLE,
                "projects.delete").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/open")
    public Uni<Response> open(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.create(serverId, "/projects/" + projectId + "/open", null, null, OperationClass.LIFECYCLE,
                "projects.open").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/close")
    public Uni<Response> close(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.create(serverId, "/projects/" + projectId + "/close", null, null, OperationClass.LIFECYCLE,
                "projects.close").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/duplicate")
    @RequestBody(content = @Content(schema = @Schema(implementation = DuplicateProjectRequest.class)))
    public Uni<Response> duplicate(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                   @NotNull JsonNode body) {
        Gns3Bodies.requireNamed(body);
        return gns3.create(serverId, "/projects/" + projectId + "/duplicate", body, "project_id",
                OperationClass.LIFECYCLE, "projects.duplicate").map(Gns3Responses::of);
    }

    @GET
    @Path("/{projectId}/stats")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ProjectStatsView.class)))
    public Uni<Response> stats(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.get(serverId, "/projects/" + projectId + "/stats", "projects.stats").map(Gns3Responses::of);
    }

    @GET
    @Path("/{projectId}/export")
    @Produces(ZIP)
    @Operation(summary = "Export the project as a .gns3project zip, streamed as GNS3 produces it")
    public RestMulti<io.vertx.core.buffer.Buffer> export(@PathParam("serverId") UUID serverId,
                                                         @PathParam("projectId") UUID projectId,
                                                         @QueryParam("include_images") @Schema(enumeration = {"true", "false", "yes", "no"}) String includeImages,
                                                         @QueryParam("include_snapshots") @Schema(enumeration = {"true", "false", "yes", "no"}) String includeSnapshots,
                                                         @QueryParam("reset_mac_addresses") @Schema(enumeration = {"true", "false", "yes", "no"}) String resetMacAddresses,
                                                         @QueryParam("keep_compute_ids") @Schema(enumeration = {"true", "false", "yes", "no"}) String keepComputeIds,
                                                         @QueryParam("compression") String compression) {
        String query = String.join("&", Arrays.stream(new String[]{
                Paths.query("include_images", yesNo("include_images", includeImages)),
                Paths.query("include_snapshots", yesNo("include_snapshots", includeSnapshots)),
                Paths.query("reset_mac_addresses", yesNo("reset_mac_addresses", resetMacAddresses)),
                Paths.query("keep_compute_ids", yesNo("keep_compute_ids", keepComputeIds)),
                Paths.query("compression", compression)}).filter(s -> !s.isEmpty()).toList());
        return Gns3Responses.stream(gns3.download(serverId, "/projects/" + projectId + "/export"
                + (query.isEmpty() ? "" : "?" + query), OperationClass.TRANSFER, "projects.export"), ZIP);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{projectId}/import")
    @Blocking // reads the request body as a stream on a worker thread, a chunk at a time as GNS3 takes it
    @Consumes({ZIP, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(summary = "Import a .gns3project zip as this project id, streamed to GNS3 without buffering it")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = ProjectView.class)))
    public Uni<Response> importArchive(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                       @QueryParam("name") String name, InputStream archive) {
        if (name != null) {
            Names.require("name", name);
        }
        String query = Paths.query("name", name);
        Multi<Buffer> body = Multi.createBy().repeating().supplier(() -> read(archive)).until(b -> b.length() == 0)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return gns3.upload(serverId, "/projects/" + projectId + "/import" + (query.isEmpty() ? "" : "?" + query), body,
                        "projects.import")
                .chain(stream -> stream.body().collect().in(io.vertx.core.buffer.Buffer::buffer,
                                io.vertx.core.buffer.Buffer::appendBuffer)
                        .map(answer -> Response.status(stream.status()).type(MediaType.APPLICATION_JSON)
                                .entity(answer.getBytes()).build()));
    }

    private static Buffer read(InputStream in) {
        try {
            byte[] chunk = in.readNBytes(CHUNK);
            return Buffer.buffer(chunk);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A yes/no export option as GNS3 takes it. The gateway accepts {@code true}/{@code false} (Labfleet's clients
     * send those) and GNS3's own {@code yes}/{@code no}; anything else is a 400 naming the parameter. (A JAX-RS
     * {@code Boolean} read "yes" as false: a move asked for its snapshots and got an archive without them.)
     */
    static String yesNo(String field, String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes" -> "yes";
            case "false", "no" -> "no";
            default -> throw dev.labfleet.common.problem.ProblemException.invalid(field,
                    "must be true or false (or yes or no), not '" + value + "'");
        };
    }
}
