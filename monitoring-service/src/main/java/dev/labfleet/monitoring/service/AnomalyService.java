package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.monitoring.domain.AlertDelivery;
import dev.labfleet.monitoring.domain.AlertRule;
import dev.labfleet.monitoring.domain.Anomaly;
import dev.labfleet.monitoring.messaging.MonitoringEvents;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The anomaly lifecycle: open (or update the open one of the same kind and object), acknowledge, resolve, escalate
 * ({@code needsOperator}). Each change is published on {@code lab.monitoring} through the outbox, and a newly opened
 * anomaly is queued for every matching alert rule, in the same transaction.
 */
@ApplicationScoped
public class AnomalyService {

    /** What a detector found. {@code dedupKey}: one open anomaly per key. */
    public record Finding(String kind, String severity, UUID projectId, String serverId, List<String> affected,
                          Map<String, Object> evidence, String summary, String suggestedAction, String dedupKey) {
    }

    /** An anomaly as the API, events and webhooks show it. */
    public record AnomalyView(UUID id, String kind, String severity, String status, boolean needsOperator,
                              UUID projectId, String serverId, List<String> affected, JsonNode evidence,
                              String summary, String suggestedAction, int occurrences, OffsetDateTime openedAt,
                              OffsetDateTime updatedAt, OffsetDateTime acknowledgedAt, OffsetDateTime resolvedAt) {
        public static AnomalyView of(Anomaly a) {
            JsonNode evidence;
            try {
                evidence = CloudEventCodec.mapper().readTree(a.evidence == null ? "{}" : a.evidence);
            } catch (JsonProcessingException e) {
                evidence = CloudEventCodec.mapper().createObjectNode();
            }
            return new AnomalyView(a.id, a.kind, a.severity, a.status, a.needsOperator, a.projectId, a.serverId,
                    a.affected == null || a.affected.isEmpty() ? List.of() : Arrays.asList(a.affected.split(",")),
                    evidence, a.summary, a.suggestedAction, a.occurrences, a.openedAt, a.updatedAt, a.acknowledgedAt,
                    a.resolvedAt);
        }
    }

    private final MonitoringEvents events;
    private final FleetModel model;
    private final MeterRegistry registry;

    public AnomalyService(MonitoringEvents events, FleetModel model, MeterRegistry registry) {
        this.events = events;
        this.model = model;
        this.registry = registry;
    }

    static int rank(String severity) {
        return switch (severity == null ? "" : severity) {
            case "critical" -> 2;
            case "warning" -> 1;
            default -> 0;
        };
    }

    /** Opens an anomaly, or updates the open one with the same key; answers the anomaly and whether it is new. */
    public Uni<Anomaly> raise(Finding f) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        String evidence = CloudEventCodec.mapper().valueToTree(f.evidence()).toString();
        return Panache.withTransaction(() -> Anomaly.<Anomaly>find("dedupKey = ?1 and status <> 'resolved'",
                f.dedupKey()).firstResult().chain(open -> {
            if (open != null) {
                open.occurrences++;
                open.updatedAt = now;
                open.evidence = evidence;
                if (rank(f.severity()) > rank(open.severity)) {
                    open.severity = f.severity();
                }
                return Uni.createFrom().item(open);
            }
            Anomaly a = new Anomaly();
            a.id = UUID.randomUUID();
            a.kind = f.kind();
            a.severity = f.severity();
            a.status = "open";
            a.projectId = f.projectId();
            a.serverId = f.serverId();
            a.affected = String.join(",", f.affected());
            a.evidence = evidence;
            a.summary = f.summary();
            a.suggestedAction = f.suggestedAction();
            a.dedupKey = f.dedupKey();
            a.occurrences = 1;
            a.openedAt = now;
            a.updatedAt = now;
            registry.counter("monitoring_anomalies_opened", "kind", f.kind(), "severity", f.severity()).increment();
            return a.persist()
                    .chain(() -> events.append(MonitoringEvents.ANOMALY_OPENED, key(a), AnomalyView.of(a)))
                    .chain(() -> enqueueAlerts(a))
                    .replaceWith(a);
        }));
    }

    private static String key(Anomaly a) {
        return a.projectId != null ? a.projectId.toString() : a.serverId;
    }

    /** Resolves the open anomaly of {@code dedupKey}, if any. */
    public Uni<Void> resolve(String dedupKey, String why) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> Anomaly.<Anomaly>find("dedupKey = ?1 and status <> 'resolved'", dedupKey)
                .list().chain(open -> {
                    Uni<Void> all = Uni.createFrom().voidItem();
                    for (Anomaly a : open) {
                        a.status = "resolved";
                        a.resolvedAt = now;
                        a.updatedAt = now;
                        all = all.chain(() -> events.append(MonitoringEvents.ANOMALY_UPDATED, key(a), AnomalyView.of(a)));
                    }
                    return all;
                }));
    }

    /** Marks an anomaly as needing an operator (a healing action failed or ran out of attempts). */
    public Uni<Void> escalate(UUID anomalyId, String why) {
        return Panache.withTransaction(() -> Anomaly.<Anomaly>findById(anomalyId).chain(a -> {
            if (a == null || a.needsOperator) {
                return Uni.createFrom().voidItem();
            }
            a.needsOperator = true;
            a.severity = "critical";
            a.suggestedAction = why;
            a.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            return events.append(MonitoringEvents.ANOMALY_UPDATED, key(a), AnomalyView.of(a))
                    .chain(() -> enqueueAlerts(a));
        }));
    }

    /** An operator's change: {@code acknowledged} or {@code resolved}. Null when there is no such anomaly. */
    public Uni<Anomaly> setStatus(UUID id, String status) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> Anomaly.<Anomaly>findById(id).chain(a -> {
            if (a == null || a.status.equals(status) || a.status.equals("resolved")) {
                return Uni.createFrom().item(a);
            }
            a.status = status;
            a.updatedAt = now;
            if (status.equals("acknowledged")) {
                a.acknowledgedAt = now;
            } else {
                a.resolvedAt = now;
            }
            return events.append(MonitoringEvents.ANOMALY_UPDATED, key(a), AnomalyView.of(a)).replaceWith(a);
        }));
    }

    private Uni<Void> enqueueAlerts(Anomaly a) {
        LabState lab = a.projectId == null ? null : model.lab(a.projectId.toString());
        List<String> tags = lab == null || lab.tags() == null ? List.of() : lab.tags();
        return AlertRule.<AlertRule>listAll().chain(rules -> {
            List<AlertDelivery> out = new ArrayList<>();
            String payload = CloudEventCodec.mapper().createObjectNode()
                    .put("type", a.needsOperator ? "anomaly.needs-operator" : "anomaly.opened")
                    .set("anomaly", CloudEventCodec.mapper().valueToTree(AnomalyView.of(a))).toString();
            for (AlertRule r : rules) {
                if (rank(a.severity) < rank(r.minSeverity)) {
                    continue;
                }
                if (r.kinds != null && !r.kinds.isBlank() && !Arrays.asList(r.kinds.split(",")).contains(a.kind)) {
                    continue;
                }
                if (r.labTags != null && !r.labTags.isBlank()
                        && Arrays.stream(r.labTags.split(",")).noneMatch(tags::contains)) {
                    continue;
                }
                AlertDelivery d = new AlertDelivery();
                d.id = UUID.randomUUID();
                d.ruleId = r.id;
                d.anomalyId = a.id;
                d.payload = payload;
                d.status = "pending";
                d.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
                d.nextAttemptAt = d.createdAt;
                out.add(d);
            }
            return out.isEmpty() ? Uni.createFrom().voidItem() : AlertDelivery.persist(out).replaceWithVoid();
        });
    }
}
