package dev.labfleet.search.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.search.cache.DashboardCache;
import dev.labfleet.search.dashboard.CustomDashboardService;
import dev.labfleet.search.dashboard.Dashboard;
import dev.labfleet.search.dashboard.DashboardService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
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

@Path("/api/v1/dashboards")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "dashboards", description = "The fleet's dashboards, and each user's own")
@RolesAllowed(Roles.VIEWER)
public class DashboardResource {

    private final DashboardCache cache;
    private final CustomDashboardService custom;
    private final dev.labfleet.search.dashboard.DashboardScope scope;

    public DashboardResource(DashboardCache cache, CustomDashboardService custom,
                             dev.labfleet.search.dashboard.DashboardScope scope) {
        this.cache = cache;
        this.custom = custom;
        this.scope = scope;
    }

    @GET
    @Path("/{name: system|network|monitoring|security}")
    @Operation(summary = "A fleet dashboard", description = "Sections computed in parallel from the index and the "
            + "services, each under its own timeout: a source that is down or late makes its section unavailable "
            + "(with the reason) and the rest answers. Served from the cache with its age (cache.ageMs); stale "
            + "figures are refreshed in the background.")
    @org.eclipse.microprofile.openapi.annotations.responses.APIResponse(responseCode = "200", description = "The dashboard",
            content = @org.eclipse.microprofile.openapi.annotations.media.Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(implementation = Dashboard.class)))
    public Uni<Response> fleet(@PathParam("name") String name) {
        // the security dashboard names callers and addresses (failures, bans, admin actions): admins only
        io.quarkus.security.identity.SecurityIdentity identity = dev.labfleet.support.security.Caller.current();
        if ("security".equals(name) && identity != null && !identity.hasRole(Roles.ADMIN)) {
            throw new ProblemException(dev.labfleet.common.problem.Problem.of(
                    dev.labfleet.common.problem.ProblemTypes.FORBIDDEN, "the security dashboard needs the admin role"));
        }
        // the cached JSON as it is (serialised once per refresh), with this answer's cache object appended; the
        // sections that name labs cut to the caller's labs
        return cache.get(name).chain(served -> scope.forCaller(name, served.body()))
                .map(body -> Response.ok(body, MediaType.APPLICATION_JSON_TYPE).build());
    }

    @GET
    @Path("/custom")
    @Operation(summary = "The caller's dashboards (X-Labfleet-User)")
    public Uni<List<CustomDashboardService.View>> list(@HeaderParam(Caller.HEADER) String user) {
        return custom.list(Caller.required(user));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/custom")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Save a dashboard: a name and widgets, each a search or an aggregate")
    public Uni<Response> create(@HeaderParam(Caller.HEADER) String user, CustomDashboardService.Request request) {
        return custom.create(Caller.required(user), request).map(view -> Response
                .created(URI.create("/api/v1/dashboards/custom/" + view.dashboardId())).entity(view).build());
    }

    @GET
    @Path("/custom/{dashboardId}")
    @Operation(summary = "A saved dashboard with each widget's current answer")
    public Uni<CustomDashboardService.View> get(@HeaderParam(Caller.HEADER) String user,
                                                @PathParam("dashboardId") String dashboardId) {
        return custom.render(Caller.required(user), id(dashboardId));
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/custom/{dashboardId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<CustomDashboardService.View> update(@HeaderParam(Caller.HEADER) String user,
                                                   @PathParam("dashboardId") String dashboardId,
                                                   CustomDashboardService.Request request) {
        return custom.update(Caller.required(user), id(dashboardId), request);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/custom/{dashboardId}")
    public Uni<Response> delete(@HeaderParam(Caller.HEADER) String user, @PathParam("dashboardId") String dashboardId) {
        return custom.delete(Caller.required(user), id(dashboardId)).map(v -> Response.noContent().build());
    }

    private static UUID id(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("dashboardId", "not a UUID");
        }
    }
}
