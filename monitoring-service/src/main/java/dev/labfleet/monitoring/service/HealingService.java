package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.monitoring.client.GatewayClient;
import dev.labfleet.monitoring.domain.Anomaly;
import dev.labfleet.monitoring.domain.HealingPolicy;
import dev.labfleet.monitoring.domain.Incident;
import dev.labfleet.monitoring.messaging.MonitoringEvents;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Auto-healing (opt-in per lab): a node that stopped unexpectedly is started again, at most {@code maxRestarts} times
 * per node within {@code windowSeconds}; beyond that, or when the restart fails, the anomaly is escalated
 * ({@code needsOperator}). Every action is an incident with its steps, results and duration, published on
 * {@code lab.monitoring}. Only the leader heals, and it holds a per-lab lease ({@code heal:<projectId>}) while it
 * does, so one replica heals a lab at a time even across a leader change.
 */
@ApplicationScoped
public class HealingService {

    private static final Logger LOG = Logger.getLogger(HealingService.class);

    /** An incident as the API and events show it. */
    public record IncidentView(UUID id, UUID projectId, UUID anomalyId, String objectId, String action, String outcome,
                               com.fasterxml.jackson.databind.JsonNode steps, OffsetDateTime startedAt,
                               long durationMs) {
        public static IncidentView of(Incident i) {
            com.fasterxml.jackson.databind.JsonNode steps;
            try {
                steps = CloudEventCodec.mapper().readTree(i.steps);
            } catch (Exception e) {
                steps = CloudEventCodec.mapper().createArrayNode();
            }
            return new IncidentView(i.id, i.projectId, i.anomalyId, i.objectId, i.action, i.outcome, steps,
                    i.startedAt, i.durationMs);
        }
    }

    private final GatewayClient gateway;
    private final AnomalyService anomalies;
    private final MonitoringEvents events;
    private final Leadership leadership;
    private final MeterRegistry registry;

    public HealingService(GatewayClient gateway, AnomalyService anomalies, MonitoringEvents events,
                          Leadership leadership, MeterRegistry registry) {
        this.gateway = gateway;
        this.anomalies = anomalies;
        this.events = events;
        this.leadership = leadership;
        this.registry = registry;
    }

    public Uni<Void> nodeStopped(Anomaly anomaly, String projectId, String nodeId, String serverId) {
        UUID lab = UUID.fromString(projectId);
        return Panache.withSession(() -> HealingPolicy.<HealingPolicy>findById(lab)).chain(policy -> {
            if (policy == null || !policy.enabled || !policy.restartCrashedNodes || serverId == null) {
                return Uni.createFrom().voidItem();
            }
            return leadership.claim("heal:" + projectId).chain(mine -> {
                if (!mine) {
                    return Uni.createFrom().voidItem(); // another replica heals this lab now
                }
                OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(policy.windowSeconds);
                return Panache.withSession(() -> Incident.count(
                                "projectId = ?1 and objectId = ?2 and action = 'restart-node' and outcome <> 'escalated' "
                                        + "and startedAt > ?3", lab, nodeId, since))
                        .chain(done -> done >= policy.maxRestarts
                                ? escalate(anomaly, lab, nodeId, "restarted " + done + " times in "
                                + policy.windowSeconds + " s: needs an operator")
                                : restart(anomaly, lab, nodeId, UUID.fromString(serverId)));
            });
        });
    }

    private Uni<Void> restart(Anomaly anomaly, UUID projectId, String nodeId, UUID serverId) {
        long start = System.nanoTime();
        OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
        ArrayNode steps = CloudEventCodec.mapper().createArrayNode();
        return gateway.startNode(serverId, projectId, UUID.fromString(nodeId))
                .map(node -> {
                    steps.addObject().put("step", "start node").put("result", "ok")
                            .put("status", node.path("status").asText());
                    return true;
                })
                .onFailure().recoverWithItem(e -> {
                    steps.addObject().put("step", "start node").put("result", "failed").put("detail", e.getMessage());
                    return false;
                })
                .chain(ok -> record(anomaly, projectId, nodeId, "restart-node", ok ? "succeeded" : "failed", steps,
                        at, start)
                        .chain(() -> ok ? Uni.createFrom().voidItem()
                                : anomalies.escalate(anomaly.id, "the restart failed: needs an operator")));
    }

    private Uni<Void> escalate(Anomaly anomaly, UUID projectId, String nodeId, String why) {
        ArrayNode steps = CloudEventCodec.mapper().createArrayNode();
        steps.addObject().put("step", "escalate").put("result", why);
        return record(anomaly, projectId, nodeId, "restart-node", "escalated", steps,
                OffsetDateTime.now(ZoneOffset.UTC), System.nanoTime())
                .chain(() -> anomalies.escalate(anomaly.id, why));
    }

    private Uni<Void> record(Anomaly anomaly, UUID projectId, String nodeId, String action, String outcome,
                             ArrayNode steps, OffsetDateTime at, long startNanos) {
        Incident i = new Incident();
        i.id = UUID.randomUUID();
        i.projectId = projectId;
        i.anomalyId = anomaly.id;
        i.objectId = nodeId;
        i.action = action;
        i.outcome = outcome;
        i.steps = steps.toString();
        i.startedAt = at;
        i.durationMs = (System.nanoTime() - startNanos) / 1_000_000;
        registry.counter("monitoring_healing_actions", "action", action, "outcome", outcome).increment();
        LOG.infof("healing %s of node %s in lab %s: %s", action, nodeId, projectId, outcome);
        return Panache.withTransaction(() -> i.persist().chain(() -> events.append(MonitoringEvents.INCIDENT_RECORDED,
                projectId.toString(), IncidentView.of(i))));
    }
}
