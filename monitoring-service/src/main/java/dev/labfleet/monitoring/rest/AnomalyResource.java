package dev.labfleet.monitoring.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.monitoring.domain.Anomaly;
import dev.labfleet.monitoring.service.AnomalyService;
import dev.labfleet.monitoring.service.AnomalyService.AnomalyView;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import dev.labfleet.common.event.CloudEventCodec;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Anomalies, newest first, in cursor pages; acknowledge and resolve; a JSON-lines export for a SIEM. */
@Path("/api/v1/anomalies")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class AnomalyResource {

    private static final Set<String> STATUSES = Set.of("open", "acknowledged", "resolved");

    private final AnomalyService anomalies;
    private final LabDirectory labs;

    public AnomalyResource(AnomalyService anomalies, LabDirectory labs) {
        this.anomalies = anomalies;
        this.labs = labs;
    }

    /**
     * Keeps the anomalies the caller may see: those of a server (no lab) and those of labs it may see
     * (docs/security.md).
     */
    private Uni<List<AnomalyView>> visible(SecurityIdentity caller, List<AnomalyView> list) {
        return labs.visible(caller, list.stream().map(AnomalyView::projectId).toList())
                .map(visible -> list.stream().filter(a -> a.projectId() == null
                        || LabDirectory.among(visible, a.projectId())).toList());
    }

    @GET
    public Uni<CursorPage<AnomalyView>> list(@QueryParam("status") String status, @QueryParam("kind") String kind,
                                             @QueryParam("projectId") String projectId,
                                             @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        int n = Cursor.limit(limit);
        SecurityIdentity caller = Caller.current();
        Uni<Void> allowed = projectId == null ? Uni.createFrom().voidItem()
                : labs.require(caller, FleetResource.Ids.uuid("projectId", projectId), false);
        // the page is cut before filtering, so a page may hold fewer items; its cursor still moves on
        return allowed.chain(() -> query(status, kind, projectId, cursor, n + 1))
                .map(rows -> CursorPage.of(rows, n, a -> a.openedAt.toInstant().toEpochMilli() * 1000
                        + a.openedAt.getNano() / 1000 % 1000 + "_" + a.id).map(AnomalyView::of))
                .chain(page -> visible(caller, page.items())
                        .map(items -> new CursorPage<>(items, page.nextCursor(), page.limit())));
    }

    private Uni<List<Anomaly>> query(String status, String kind, String projectId, String cursor, int rows) {
        List<String> where = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (status != null) {
            if (!STATUSES.contains(status)) {
                throw ProblemException.invalid("status", "must be open, acknowledged or resolved");
            }
            params.add(status);
            where.add("status = ?" + params.size());
        }
        if (kind != null) {
            params.add(kind);
            where.add("kind = ?" + params.size());
        }
        if (projectId != null) {
            params.add(UUID.fromString(FleetResource.Ids.uuid("projectId", projectId)));
            where.add("projectId = ?" + params.size());
        }
        if (cursor != null) {
            String key = Cursor.decode(cursor);
            int sep = key == null ? -1 : key.indexOf('_');
            OffsetDateTime at;
            UUID id;
            try {
                long micros = Long.parseLong(key.substring(0, sep));
                at = OffsetDateTime.ofInstant(Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1000),
                        ZoneOffset.UTC);
                id = UUID.fromString(key.substring(sep + 1));
            } catch (RuntimeException e) {
                throw ProblemException.invalid("cursor", "not a cursor of this list");
            }
            params.add(at);
            params.add(id);
            where.add("(openedAt < ?" + (params.size() - 1) + " or (openedAt = ?" + (params.size() - 1)
                    + " and id < ?" + params.size() + "))");
        }
        String q = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by openedAt desc, id desc";
        return Panache.withSession(() -> Anomaly.<Anomaly>find(q, params.toArray()).page(0, rows).list());
    }

    @GET
    @Path("/{id}")
    public Uni<AnomalyView> get(@PathParam("id") String id) {
        UUID uuid = UUID.fromString(FleetResource.Ids.uuid("id", id));
        SecurityIdentity caller = Caller.current();
        return Panache.withSession(() -> Anomaly.<Anomaly>findById(uuid)).map(a -> {
            if (a == null) {
                throw ProblemException.notFound("no anomaly " + uuid);
            }
            return AnomalyView.of(a);
        }).call(a -> labs.require(caller, a.projectId(), false));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/acknowledge")
    public Uni<AnomalyView> acknowledge(@PathParam("id") String id) {
        return set(id, "acknowledged");
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{id}/resolve")
    public Uni<AnomalyView> resolve(@PathParam("id") String id) {
        return set(id, "resolved");
    }

    private Uni<AnomalyView> set(String id, String status) {
        UUID uuid = UUID.fromString(FleetResource.Ids.uuid("id", id));
        SecurityIdentity caller = Caller.current();
        // only on an anomaly of a lab the caller may change (a server's anomalies: any operator)
        return Panache.withSession(() -> Anomaly.<Anomaly>findById(uuid))
                .call(a -> a == null ? Uni.createFrom().voidItem() : labs.require(caller, a.projectId, true))
                .chain(() -> anomalies.setStatus(uuid, status)).map(a -> {
            if (a == null) {
                throw ProblemException.notFound("no anomaly " + uuid);
            }
            return AnomalyView.of(a);
        });
    }

    /** Every anomaly opened since {@code since} (ISO-8601; default the last 24 h), one JSON object per line. */
    @GET
    @Path("/export")
    @Produces("application/x-ndjson")
    public Uni<String> export(@QueryParam("since") String since) {
        OffsetDateTime from;
        try {
            from = since == null ? OffsetDateTime.now(ZoneOffset.UTC).minusHours(24) : OffsetDateTime.parse(since);
        } catch (RuntimeException e) {
            throw ProblemException.invalid("since", "an ISO-8601 date and time with offset, e.g. 2026-12-05T00:00:00Z");
        }
        SecurityIdentity caller = Caller.current();
        return Panache.withSession(() -> Anomaly.<Anomaly>find("openedAt >= ?1 order by openedAt", from).list())
                .map(list -> list.stream().map(AnomalyView::of).toList())
                .chain(list -> visible(caller, list))
                .map(list -> {
                    StringBuilder b = new StringBuilder();
                    for (AnomalyView a : list) {
                        b.append(CloudEventCodec.mapper().valueToTree(a).toString()).append('\n');
                    }
                    return b.toString();
                });
    }
}
