package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.gns3.CreateServerRequest;
import dev.labfleet.common.gns3.DrainServerRequest;
import dev.labfleet.common.gns3.ServerDrainView;
import dev.labfleet.common.gns3.ServerHealthView;
import dev.labfleet.common.gns3.ServerTestResult;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.common.gns3.UpdateServerRequest;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.gateway.service.DrainService;
import dev.labfleet.gateway.service.HealthService;
import dev.labfleet.gateway.service.ServerService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
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
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** The GNS3 server registry. Passwords go in, never out. */
@Path("/api/v1/servers")
@Tag(name = "servers", description = "GNS3 server registry")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class ServerResource {

    private final ServerService servers;
    private final HealthService health;
    private final DrainService drains;

    public ServerResource(ServerService servers, HealthService health, DrainService drains) {
        this.servers = servers;
        this.health = health;
        this.drains = drains;
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Operation(summary = "Register a GNS3 server (409 when its name or URL is taken)")
    public Uni<Response> create(@Valid @NotNull CreateServerRequest request, @Context UriInfo uri) {
        return servers.create(ServerMapper.settings(request)).map(ServerMapper::view).map(view -> Response.created(uri.getAbsolutePathBuilder()
                .path(view.id().toString()).build()).entity(view).build());
    }

    @GET
    @Operation(summary = "List registered GNS3 servers, by name, a page at a time")
    public Uni<CursorPage<ServerView>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return servers.list(cursor, limit).map(page -> page.map(ServerMapper::view));
    }

    @GET
    @Path("/{serverId}")
    public Uni<ServerView> get(@PathParam("serverId") UUID serverId) {
        return servers.get(serverId).map(ServerMapper::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{serverId}")
    @Operation(summary = "Change a GNS3 server; absent fields stay as they are")
    public Uni<ServerView> update(@PathParam("serverId") UUID serverId, @Valid @NotNull UpdateServerRequest request) {
        return servers.update(serverId, ServerMapper.settings(request)).map(ServerMapper::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{serverId}")
    public Uni<Void> delete(@PathParam("serverId") UUID serverId) {
        return servers.delete(serverId);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{serverId}/test")
    @Operation(summary = "Check reachability, version, computes and latency now")
    public Uni<ServerTestResult> test(@PathParam("serverId") UUID serverId) {
        return servers.test(serverId).map(ServerMapper::view);
    }

    @GET
    @Path("/{serverId}/health")
    @Operation(summary = "Health status, 24 h uptime and the latest checks")
    public Uni<ServerHealthView> health(@PathParam("serverId") UUID serverId) {
        return health.view(serverId).map(ServerMapper::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{serverId}/drain")
    @Operation(summary = "Drain a server: placement skips it, its labs keep working until moved (body optional: reason)")
    public Uni<ServerDrainView> drain(@PathParam("serverId") UUID serverId, @Valid DrainServerRequest request) {
        return drains.drain(serverId, request == null ? null : request.reason()).map(ServerMapper::view);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{serverId}/undrain")
    @Operation(summary = "End a drain: placement may choose the server again")
    public Uni<ServerDrainView> undrain(@PathParam("serverId") UUID serverId) {
        return drains.undrain(serverId).map(ServerMapper::view);
    }

    @GET
    @Path("/{serverId}/drain")
    @Operation(summary = "Drain state and the labs still on the server (as its GNS3 lists them)")
    public Uni<ServerDrainView> drainStatus(@PathParam("serverId") UUID serverId) {
        return drains.status(serverId).map(ServerMapper::view);
    }
}
