package dev.labfleet.project.quota;

import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.security.Roles;
import dev.labfleet.support.security.AuthProblems;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

/**
 * Quotas per owner and per group: admins set them; everyone sees the quota and usage of their own name and groups.
 * Checked on create, import, duplicate, class copies and start (409 {@code quota-exceeded}).
 */
@Path("/api/v1/quotas")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "quotas", description = "Limits per owner and group: labs, running nodes, total nodes; and their usage")
@RolesAllowed(Roles.VIEWER)
public class QuotaResource {

    private final QuotaService quotas;

    public QuotaResource(QuotaService quotas) {
        this.quotas = quotas;
    }

    @RolesAllowed(Roles.ADMIN)
    @GET
    @Operation(summary = "Every quota set, with its usage")
    public Uni<List<QuotaView>> list() {
        return quotas.list();
    }

    @GET
    @Path("/{scope}/{name}")
    @Operation(summary = "A scope's quota (null limits: none set) and usage",
            description = "scope is owner or group. A caller who is not an admin sees its own name and its groups.")
    public Uni<QuotaView> get(@PathParam("scope") String scope, @PathParam("name") @ValidName(max = 200) String name) {
        QuotaService.Scope parsed = QuotaService.Scope.parse(scope);
        SecurityIdentity caller = Caller.current();
        if (!LabAccess.seesAll(caller) && !(parsed == QuotaService.Scope.OWNER ? name.equals(Caller.name(caller))
                : Caller.groups(caller).contains(name))) {
            throw AuthProblems.forbidden("the quota of " + parsed.wire() + " " + name + " is visible to admins and to "
                    + (parsed == QuotaService.Scope.OWNER ? "that user" : "the group's members") + " only");
        }
        return quotas.get(parsed, name);
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{scope}/{name}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a scope's quota (null fields: no limit of that kind)",
            description = "Usage already over a new limit is kept; only further demands are refused.")
    public Uni<QuotaView> set(@PathParam("scope") String scope, @PathParam("name") @ValidName(max = 200) String name,
                              @Valid @NotNull SetQuotaRequest request) {
        SecurityIdentity caller = Caller.current();
        return quotas.set(QuotaService.Scope.parse(scope), name, request, caller == null ? "labfleet" : Caller.name(caller));
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{scope}/{name}")
    @Operation(summary = "Remove a scope's quota (no limits)")
    @APIResponse(responseCode = "204", description = "Removed")
    public Uni<Response> delete(@PathParam("scope") String scope, @PathParam("name") @ValidName(max = 200) String name) {
        return quotas.delete(QuotaService.Scope.parse(scope), name).map(ignored -> Response.noContent().build());
    }
}
