package dev.labfleet.search.security;

import dev.labfleet.support.guard.AuditPublisher;
import dev.labfleet.support.guard.Ban;
import dev.labfleet.support.guard.BanStore;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.support.problem.ProblemMappers;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.support.guard.GuardRoutes;
import io.vertx.ext.web.RoutingContext;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Bans (listed, set and lifted by admins) and the audit index (admins only: it names callers and addresses). */
@Path("/api/v1/security")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "security", description = "Bans of addresses that keep failing authentication, and the audit trail")
public class SecurityResource {

    private static final String ADDRESS = "[0-9A-Fa-f:.]{2,45}";
    private static final Duration MAX_BAN = Duration.ofDays(30);

    private final BanStore bans;
    private final AuditPublisher audit;
    private final AuditIndex index;

    public SecurityResource(BanStore bans, AuditPublisher audit, AuditIndex index) {
        this.bans = bans;
        this.audit = audit;
        this.index = index;
    }

    /** A ban to set by hand. */
    public record CreateBanRequest(
            @NotNull @Pattern(regexp = ADDRESS, message = "must be an IPv4 or IPv6 address") String address,
            @Size(max = 40) String duration) {
    }

    @GET
    @Path("/bans")
    @Operation(summary = "The bans in force", description = "Addresses banned after repeated authentication failures"
            + " (labfleet.guard.ban.*) or by an admin, the one ending first first. Shared by every service.")
    public Uni<List<Ban>> bans() {
        return bans.list();
    }

    @POST
    @Path("/bans")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Ban an address", description = "For duration (ISO-8601, PT15M by default, at most P30D).")
    public Uni<Response> ban(@Valid @NotNull CreateBanRequest request, RoutingContext context) {
        Duration duration = parseDuration(request.duration());
        return bans.ban(request.address(), duration)
                .call(ban -> audit.banned(ban, GuardRoutes.principalOf(context), ProblemMappers.traceId()))
                .map(ban -> Response.created(URI.create("/api/v1/security/bans/" + ban.address())).entity(ban).build());
    }

    @DELETE
    @Path("/bans/{address}")
    @Operation(summary = "Lift a ban", description = "The address may call again at once; its failures are forgotten.")
    public Uni<Response> lift(@PathParam("address") String address, RoutingContext context) {
        if (!address.matches(ADDRESS)) {
            throw ProblemException.invalid("address", "must be an IPv4 or IPv6 address");
        }
        return bans.lift(address).chain(lifted -> {
            if (!lifted) {
                return Uni.createFrom().failure(new ProblemException(Problem.of(ProblemTypes.NOT_FOUND,
                        "no ban is in force on " + address)));
            }
            return audit.lifted(address, GuardRoutes.principalOf(context), ProblemMappers.traceId()).replaceWith(Response.noContent().build());
        });
    }

    @GET
    @Path("/audit")
    @Operation(summary = "Search the audit trail", description = "lab.audit events as indexed, newest first; every"
            + " filter is optional. outcome: succeeded, rejected, failed, unauthenticated, forbidden, rate-limited,"
            + " banned, ban-imposed, ban-lifted.")
    public Uni<List<Map<String, Object>>> audit(@QueryParam("principal") @Size(max = 200) String principal,
                                                @QueryParam("address") @Size(max = 45) String address,
                                                @QueryParam("outcome") @Size(max = 40) String outcome,
                                                @QueryParam("projectId") @Size(max = 100) String projectId,
                                                @QueryParam("since") @Size(max = 40) String since,
                                                @QueryParam("limit") Integer limit) {
        int max = limit == null ? 100 : limit;
        if (max < 1 || max > 1000) {
            throw ProblemException.invalid("limit", "must be between 1 and 1000");
        }
        OffsetDateTime from = null;
        if (since != null) {
            try {
                from = OffsetDateTime.parse(since);
            } catch (DateTimeParseException e) {
                throw ProblemException.invalid("since", "must be an ISO-8601 date-time");
            }
        }
        return index.search(principal, address, outcome, projectId, from, max);
    }

    static Duration parseDuration(String text) {
        if (text == null) {
            return Duration.ofMinutes(15);
        }
        Duration d;
        try {
            d = Duration.parse(text);
        } catch (DateTimeParseException e) {
            d = null;
        }
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(MAX_BAN) > 0) {
            throw ProblemException.invalid("duration", "must be an ISO-8601 duration between PT1S and P30D, such as PT15M");
        }
        return d;
    }
}
