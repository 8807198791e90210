package dev.labfleet.monitoring.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.monitoring.domain.AlertDelivery;
import dev.labfleet.monitoring.domain.AlertRule;
import dev.labfleet.monitoring.domain.HealingPolicy;
import dev.labfleet.monitoring.domain.Incident;
import dev.labfleet.monitoring.service.HealingService;
import dev.labfleet.monitoring.service.WebhookSecrets;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
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

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Alert rules (webhooks), their deliveries and dead letters; healing policies and incidents. */
@Path("/api/v1/monitoring")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class AlertResource {

    private static final Set<String> SEVERITIES = Set.of("info", "warning", "critical");

    @jakarta.inject.Inject
    WebhookSecrets secrets;

    @jakarta.inject.Inject
    dev.labfleet.support.security.LabDirectory labs;

    /** A rule as answered: the secret never leaves the service. */
    public record AlertRuleView(UUID id, String name, String url, String minSeverity, List<String> kinds,
                                List<String> labTags, boolean secretSet, OffsetDateTime createdAt) {
        static AlertRuleView of(AlertRule r) {
            return new AlertRuleView(r.id, r.name, r.url, r.minSeverity, split(r.kinds), split(r.labTags),
                    r.secret != null && !r.secret.isEmpty(), r.createdAt);
        }
    }

    public record DeliveryView(UUID id, UUID ruleId, UUID anomalyId, String status, int attempts, String lastError,
                               OffsetDateTime createdAt, OffsetDateTime nextAttemptAt, OffsetDateTime deliveredAt) {
        static DeliveryView of(AlertDelivery d) {
            return new DeliveryView(d.id, d.ruleId, d.anomalyId, d.status, d.attempts, d.lastError, d.createdAt,
                    d.nextAttemptAt, d.deliveredAt);
        }
    }

    public record HealingPolicyView(UUID projectId, boolean enabled, boolean restartCrashedNodes, int maxRestarts,
                                    int windowSeconds) {
        static HealingPolicyView of(HealingPolicy p) {
            return new HealingPolicyView(p.projectId, p.enabled, p.restartCrashedNodes, p.maxRestarts, p.windowSeconds);
        }
    }

    static List<String> split(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.split(","));
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/alert-rules")
    public Uni<Response> create(JsonNode body) {
        JsonNode b = MonitoringRequests.object(body);
        AlertRule r = new AlertRule();
        r.id = UUID.randomUUID();
        r.name = text(b, "name", true, 200);
        r.url = text(b, "url", true, 2000);
        try {
            URI u = URI.create(r.url);
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid("url", "must be an absolute http(s) URL");
        }
        String secret = text(b, "secret", true, 500);
        if (secret.length() < 16) {
            throw ProblemException.invalid("secret", "must be at least 16 characters");
        }
        r.secret = secrets.seal(r.id, secret);
        r.minSeverity = b.hasNonNull("minSeverity") ? text(b, "minSeverity", true, 20) : "warning";
        if (!SEVERITIES.contains(r.minSeverity)) {
            throw ProblemException.invalid("minSeverity", "must be info, warning or critical");
        }
        r.kinds = list(b, "kinds");
        r.labTags = list(b, "labTags");
        r.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(r::persist).map(x -> Response.status(201).entity(AlertRuleView.of(r)).build());
    }

    @RolesAllowed(Roles.ADMIN)
    @GET
    @Path("/alert-rules")
    public Uni<List<AlertRuleView>> rules() {
        return Panache.withSession(() -> AlertRule.<AlertRule>listAll(Sort.by("createdAt")))
                .map(l -> l.stream().map(AlertRuleView::of).toList());
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/alert-rules/{id}")
    public Uni<Response> deleteRule(@PathParam("id") String id) {
        UUID uuid = UUID.fromString(FleetResource.Ids.uuid("id", id));
        return Panache.withTransaction(() -> AlertRule.deleteById(uuid)).map(ok -> {
            if (!ok) {
                throw ProblemException.notFound("no alert rule " + uuid);
            }
            return Response.noContent().build();
        });
    }

    /** Deliveries, newest first; {@code status=dead} is the dead-letter list. */
    @RolesAllowed(Roles.ADMIN)
    @GET
    @Path("/alert-deliveries")
    public Uni<List<DeliveryView>> deliveries(@QueryParam("status") String status, @QueryParam("anomalyId") String anomalyId) {
        if (status != null && !Set.of("pending", "delivered", "dead").contains(status)) {
            throw ProblemException.invalid("status", "must be pending, delivered or dead");
        }
        UUID anomaly = anomalyId == null ? null : UUID.fromString(FleetResource.Ids.uuid("anomalyId", anomalyId));
        return Panache.withSession(() -> {
            if (status != null && anomaly != null) {
                return AlertDelivery.<AlertDelivery>find("status = ?1 and anomalyId = ?2 order by createdAt desc",
                        status, anomaly).page(0, 500).list();
            }
            if (status != null) {
                return AlertDelivery.<AlertDelivery>find("status = ?1 order by createdAt desc", status).page(0, 500).list();
            }
            if (anomaly != null) {
                return AlertDelivery.<AlertDelivery>find("anomalyId = ?1 order by createdAt desc", anomaly).page(0, 500)
                        .list();
            }
            return AlertDelivery.<AlertDelivery>find("order by createdAt desc").page(0, 500).list();
        }).map(l -> l.stream().map(DeliveryView::of).toList());
    }

    /** A dead letter back to the queue. */
    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/alert-deliveries/{id}/retry")
    public Uni<DeliveryView> retry(@PathParam("id") String id) {
        UUID uuid = UUID.fromString(FleetResource.Ids.uuid("id", id));
        return Panache.withTransaction(() -> AlertDelivery.<AlertDelivery>findById(uuid).map(d -> {
            if (d == null) {
                throw ProblemException.notFound("no delivery " + uuid);
            }
            if (!d.status.equals("dead")) {
                throw ProblemException.conflict("delivery " + uuid + " is " + d.status + ", not dead");
            }
            d.status = "pending";
            d.attempts = 0;
            d.nextAttemptAt = OffsetDateTime.now(ZoneOffset.UTC);
            return DeliveryView.of(d);
        }));
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/healing/{projectId}")
    public Uni<HealingPolicyView> putPolicy(@PathParam("projectId") String projectId, JsonNode body) {
        UUID id = UUID.fromString(FleetResource.Ids.uuid("projectId", projectId));
        JsonNode b = MonitoringRequests.object(body);
        boolean enabled = MonitoringRequests.bool(b, "enabled");
        boolean restart = !b.hasNonNull("restartCrashedNodes") || MonitoringRequests.bool(b, "restartCrashedNodes");
        int max = MonitoringRequests.integer(b, "maxRestarts", 3, 1, 100);
        int window = MonitoringRequests.integer(b, "windowSeconds", 600, 10, 86_400);
        return Panache.withTransaction(() -> HealingPolicy.<HealingPolicy>findById(id).chain(found -> {
            HealingPolicy p = found == null ? new HealingPolicy() : found;
            p.projectId = id;
            p.enabled = enabled;
            p.restartCrashedNodes = restart;
            p.maxRestarts = max;
            p.windowSeconds = window;
            return p.<HealingPolicy>persist();
        })).map(HealingPolicyView::of);
    }

    @GET
    @Path("/healing/{projectId}")
    public Uni<HealingPolicyView> getPolicy(@PathParam("projectId") String projectId) {
        UUID id = UUID.fromString(FleetResource.Ids.uuid("projectId", projectId));
        return Panache.withSession(() -> HealingPolicy.<HealingPolicy>findById(id)).map(p -> {
            if (p == null) {
                throw ProblemException.notFound("lab " + id + " has no healing policy");
            }
            return HealingPolicyView.of(p);
        });
    }

    @GET
    @Path("/incidents")
    public Uni<List<HealingService.IncidentView>> incidents(@QueryParam("projectId") String projectId) {
        UUID id = projectId == null ? null : UUID.fromString(FleetResource.Ids.uuid("projectId", projectId));
        io.quarkus.security.identity.SecurityIdentity caller = dev.labfleet.support.security.Caller.current();
        // only incidents of labs the caller may see (a lab named it may not see: 403)
        return labs.require(caller, id, false).chain(() -> Panache.withSession(() -> id == null
                        ? Incident.<Incident>find("order by startedAt desc").page(0, 200).list()
                        : Incident.<Incident>find("projectId = ?1 order by startedAt desc", id).page(0, 200).list()))
                .map(l -> l.stream().map(HealingService.IncidentView::of).toList())
                .chain(list -> labs.visible(caller, list.stream().map(HealingService.IncidentView::projectId).toList())
                        .map(visible -> list.stream().filter(i -> i.projectId() == null
                                || dev.labfleet.support.security.LabDirectory.among(visible, i.projectId())).toList()));
    }

    private static String text(JsonNode b, String field, boolean required, int max) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw ProblemException.invalid(field, "required");
            }
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > max) {
            throw ProblemException.invalid(field, "must be a non-empty string of at most " + max + " characters");
        }
        return v.asText().trim();
    }

    private static String list(JsonNode b, String field) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw ProblemException.invalid(field, "must be an array of strings");
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual() || v.get(i).asText().contains(",")) {
                throw ProblemException.invalid(field + "[" + i + "]", "must be a string without commas");
            }
            s.append(i == 0 ? "" : ",").append(v.get(i).asText());
        }
        return s.length() == 0 ? null : s.toString();
    }
}
