package dev.labfleet.monitoring.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.security.Roles;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.model.LinkState;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The busiest labs and links of the fleet right now, from the latest traffic samples every replica holds (the
 * leader samples the selected labs and sends each sample to all replicas). Only what carries traffic is ranked,
 * busiest first by bits per second; only the labs the caller may see. search-service's network and monitoring
 * dashboards show them.
 */
@Path("/api/v1/monitoring/traffic")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class TrafficTopResource {

    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    private final FleetModel model;

    public TrafficTopResource(FleetModel model) {
        this.model = model;
    }

    /** A lab's current rates ({@code state}: {@code traffic} or {@code idle}; {@code at}: when sampled). */
    public record LabTop(String projectId, String name, String serverId, String state, double bps, double pps,
                         boolean sampled, String at) {
    }

    /** A link's current rates, both directions together, and each direction's. */
    public record LinkTop(String linkId, String projectId, String labName, double bps, double pps, double aToBBps,
                          double bToABps, boolean sampled, String at) {
    }

    @GET
    @Path("/top")
    public List<LabTop> labs(@QueryParam("limit") Integer limit) {
        int n = limit(limit);
        List<LabTop> out = new ArrayList<>();
        for (LabState lab : visibleLabs()) {
            JsonNode t = SelectionResource.asJson(model.latest("labTraffic", lab.projectId()));
            if (t == null || t.path("bps").asDouble() <= 0) {
                continue;
            }
            out.add(new LabTop(lab.projectId(), lab.name(), lab.serverId(), t.path("state").asText(null),
                    t.path("bps").asDouble(), t.path("pps").asDouble(), t.path("sampled").asBoolean(),
                    t.path("at").asText(null)));
        }
        return busiest(out, Comparator.comparingDouble(LabTop::bps), LabTop::projectId, n);
    }

    @GET
    @Path("/links/top")
    public List<LinkTop> links(@QueryParam("limit") Integer limit) {
        int n = limit(limit);
        List<LinkTop> out = new ArrayList<>();
        for (LabState lab : visibleLabs()) {
            for (LinkState link : model.links(lab.projectId())) {
                JsonNode t = SelectionResource.asJson(model.latest("traffic", link.linkId()));
                if (t == null) {
                    continue;
                }
                double ab = t.path("aToB").path("bps").asDouble();
                double ba = t.path("bToA").path("bps").asDouble();
                if (ab + ba <= 0) {
                    continue;
                }
                out.add(new LinkTop(link.linkId(), lab.projectId(), lab.name(), ab + ba,
                        t.path("aToB").path("pps").asDouble() + t.path("bToA").path("pps").asDouble(), ab, ba,
                        t.path("sampled").asBoolean(), t.path("at").asText(null)));
            }
        }
        return busiest(out, Comparator.comparingDouble(LinkTop::bps), LinkTop::linkId, n);
    }

    /** The {@code n} first of {@code items} by {@code rate}, highest first, ties in {@code id} order. */
    private static <T> List<T> busiest(List<T> items, Comparator<T> rate, java.util.function.Function<T, String> id,
                                       int n) {
        items.sort(rate.reversed().thenComparing(id));
        return items.size() > n ? items.subList(0, n) : items;
    }

    private List<LabState> visibleLabs() {
        SecurityIdentity caller = Caller.current();
        return LabAccess.seesAll(caller) ? model.labs()
                : model.labs().stream().filter(l -> model.visible(caller, l.projectId())).toList();
    }

    private static int limit(Integer limit) {
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be from 1 to " + MAX_LIMIT);
        }
        return n;
    }
}
