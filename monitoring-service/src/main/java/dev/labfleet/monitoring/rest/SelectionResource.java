package dev.labfleet.monitoring.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.monitoring.domain.AutoSwitchState;
import dev.labfleet.monitoring.domain.LabSwitch;
import dev.labfleet.monitoring.domain.Selection;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.service.AutoSwitcher;
import dev.labfleet.monitoring.traffic.TrafficHistory;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
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

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Which labs are watched (selections), their traffic, the auto-switch and its history. */
@Path("/api/v1/monitoring")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class SelectionResource {

    private final FleetModel model;
    private final TrafficHistory history;
    private final dev.labfleet.support.security.LabDirectory labs;

    public SelectionResource(FleetModel model, TrafficHistory history,
                             dev.labfleet.support.security.LabDirectory labs) {
        this.model = model;
        this.history = history;
        this.labs = labs;
    }

    /** Whether the caller may see lab {@code projectId} (as the fleet and its streams decide it). */
    private static java.util.function.Predicate<UUID> visibleTo(FleetModel model) {
        io.quarkus.security.identity.SecurityIdentity caller = dev.labfleet.support.security.Caller.current();
        if (dev.labfleet.support.security.LabAccess.seesAll(caller)) {
            return id -> true;
        }
        return id -> id == null || model.visible(caller, id.toString());
    }

    public record SelectionView(UUID projectId, String name, int priority, OffsetDateTime createdAt) {
    }

    public record AutoSwitchView(boolean enabled, UUID activeProjectId, OffsetDateTime since) {
    }

    /**
     * @param state {@code traffic}, {@code idle}, or {@code unknown} before the first sample
     */
    public record LabTrafficStatus(UUID projectId, String name, int priority, boolean active, String state,
                                   Object since, Double pps, Double bps, Boolean sampled) {
    }

    public record TrafficStatus(AutoSwitchView autoSwitch, List<LabTrafficStatus> labs) {
    }

    private SelectionView view(Selection s) {
        LabState lab = model.lab(s.projectId.toString());
        return new SelectionView(s.projectId, lab == null ? null : lab.name(), s.priority, s.createdAt);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/selections")
    public Uni<Response> select(JsonNode body) {
        JsonNode b = MonitoringRequests.object(body);
        String projectId = MonitoringRequests.uuid(b, "projectId");
        int priority = MonitoringRequests.integer(b, "priority", 0, -1000, 1000);
        if (model.lab(projectId) == null) {
            throw ProblemException.notFound("no lab " + projectId);
        }
        UUID id = UUID.fromString(projectId);
        // only a lab the caller may change (the body names it, so the lab-scope filter cannot)
        return labs.require(dev.labfleet.support.security.Caller.current(), id, true).chain(() -> Panache.withTransaction(() -> Selection.<Selection>findById(id).chain(found -> {
            Selection s = found != null ? found : new Selection();
            s.projectId = id;
            s.priority = priority;
            if (s.createdAt == null) {
                s.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
            }
            return s.<Selection>persist().map(saved -> Response.status(found == null ? 201 : 200)
                    .entity(view(saved)).build());
        })));
    }

    @GET
    @Path("/selections")
    public Uni<List<SelectionView>> selections() {
        java.util.function.Predicate<UUID> visible = visibleTo(model);
        return Panache.withSession(() -> Selection.<Selection>listAll(Sort.descending("priority")
                .and("projectId"))).map(list -> list.stream().filter(s -> visible.test(s.projectId))
                .map(this::view).toList());
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/selections/{projectId}")
    public Uni<Response> unselect(@PathParam("projectId") String projectId) {
        UUID id = UUID.fromString(FleetResource.Ids.uuid("projectId", projectId));
        return Panache.withTransaction(() -> Selection.deleteById(id)).map(deleted -> {
            if (!deleted) {
                throw ProblemException.notFound("lab " + id + " is not selected");
            }
            return Response.noContent().build();
        });
    }

    @GET
    @Path("/traffic-status")
    public Uni<TrafficStatus> trafficStatus() {
        java.util.function.Predicate<UUID> visible = visibleTo(model);
        return Panache.withSession(() -> Selection.<Selection>listAll(Sort.descending("priority").and("projectId"))
                .chain(sel -> AutoSwitchState.<AutoSwitchState>findById(AutoSwitchState.ID)
                        .map(state -> {
                            AutoSwitchView auto = state == null ? new AutoSwitchView(false, null, null)
                                    : new AutoSwitchView(state.enabled, state.activeProjectId, state.since);
                            List<LabTrafficStatus> labs = new ArrayList<>();
                            for (Selection s : sel) {
                                if (!visible.test(s.projectId)) {
                                    continue;
                                }
                                LabState lab = model.lab(s.projectId.toString());
                                JsonNode t = asJson(model.latest("labTraffic", s.projectId.toString()));
                                labs.add(new LabTrafficStatus(s.projectId, lab == null ? null : lab.name(), s.priority,
                                        s.projectId.equals(auto.activeProjectId()),
                                        t == null ? "unknown" : t.path("state").asText(),
                                        t == null ? null : t.path("since").asText(null),
                                        t == null ? null : t.path("pps").asDouble(),
                                        t == null ? null : t.path("bps").asDouble(),
                                        t == null ? null : t.path("sampled").asBoolean()));
                            }
                            return new TrafficStatus(auto, labs);
                        })));
    }

    @GET
    @Path("/auto-switch")
    public Uni<AutoSwitchView> autoSwitch() {
        return Panache.withSession(() -> AutoSwitchState.<AutoSwitchState>findById(AutoSwitchState.ID))
                .map(s -> s == null ? new AutoSwitchView(false, null, null)
                        : new AutoSwitchView(s.enabled, s.activeProjectId, s.since));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/auto-switch")
    public Uni<AutoSwitchView> setAutoSwitch(JsonNode body) {
        boolean enabled = MonitoringRequests.bool(MonitoringRequests.object(body), "enabled");
        return Panache.withTransaction(() -> AutoSwitchState.<AutoSwitchState>findById(AutoSwitchState.ID)
                .chain(found -> {
                    AutoSwitchState s = found;
                    if (s == null) {
                        s = new AutoSwitchState();
                        s.id = AutoSwitchState.ID;
                    }
                    s.enabled = enabled;
                    return s.<AutoSwitchState>persist();
                }))
                .map(s -> new AutoSwitchView(s.enabled, s.activeProjectId, s.since));
    }

    @GET
    @Path("/switches")
    public Uni<List<AutoSwitcher.SwitchView>> switches(@QueryParam("limit") Integer limit) {
        int n = limit == null ? 50 : limit;
        if (n < 1 || n > 500) {
            throw ProblemException.invalid("limit", "must be from 1 to 500");
        }
        java.util.function.Predicate<UUID> visible = visibleTo(model);
        // a switch between labs shows only when the caller may see both
        return Panache.withSession(() -> LabSwitch.<LabSwitch>findAll(Sort.descending("at")).page(0, n).list())
                .map(list -> list.stream().map(AutoSwitcher.SwitchView::of)
                        .filter(v -> visible.test(v.fromProjectId()) && visible.test(v.toProjectId())).toList());
    }

    /** Current rates of a lab and its links (as sampled by the leader, seen by any replica). */
    @GET
    @Path("/labs/{projectId}/traffic")
    public JsonNode traffic(@PathParam("projectId") String projectId) {
        String id = FleetResource.Ids.uuid("projectId", projectId);
        if (model.lab(id) == null) {
            throw ProblemException.notFound("no lab " + id);
        }
        var out = dev.labfleet.common.event.CloudEventCodec.mapper().createObjectNode();
        out.set("lab", asJson(model.latest("labTraffic", id)));
        var links = out.putArray("links");
        for (var l : model.links(id)) {
            JsonNode t = asJson(model.latest("traffic", l.linkId()));
            if (t != null) {
                links.add(t);
            }
        }
        return out;
    }

    /** A lab's health score and its reasons (computed by the leader, seen by any replica). */
    @GET
    @Path("/labs/{projectId}/health")
    public JsonNode health(@PathParam("projectId") String projectId) {
        String id = FleetResource.Ids.uuid("projectId", projectId);
        if (model.lab(id) == null) {
            throw ProblemException.notFound("no lab " + id);
        }
        JsonNode h = asJson(model.latest("health", id));
        if (h == null) {
            throw ProblemException.notFound("lab " + id + " has no health score yet (closed, or just seen)");
        }
        return h;
    }

    /** History: {@code resolution=1s} (last 15 min) or {@code 1m} (last 24 h), of the lab or of {@code linkId}. */
    @GET
    @Path("/labs/{projectId}/traffic/history")
    public Uni<List<JsonNode>> trafficHistory(@PathParam("projectId") String projectId,
                                              @QueryParam("resolution") String resolution,
                                              @QueryParam("linkId") String linkId) {
        String id = FleetResource.Ids.uuid("projectId", projectId);
        String link = linkId == null ? null : FleetResource.Ids.uuid("linkId", linkId);
        String res = resolution == null ? "1s" : resolution;
        if (!res.equals("1s") && !res.equals("1m")) {
            throw ProblemException.invalid("resolution", "must be 1s or 1m");
        }
        return res.equals("1s") ? history.seconds(id, link) : history.minutes(id, link);
    }

    static JsonNode asJson(Object o) {
        return o == null ? null : dev.labfleet.common.event.CloudEventCodec.mapper().valueToTree(o);
    }
}
