package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.messaging.MonitoringEvents;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.model.LinkState;
import dev.labfleet.monitoring.model.ServerState;
import dev.labfleet.monitoring.traffic.TrafficViews;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A health score per opened lab (0-100, leader, each second; published when it changes): nodes expected running
 * (running plus those that stopped unexpectedly) against running (-40 x the missing share), each node that stopped
 * unexpectedly (-15, at most -45), each suspended link (-10, at most -30), and its server (-50 when down, -15 when
 * degraded), and drift from the topology last applied to it (topology-service's report, {@code drift.points-per-difference}
 * a difference, at most {@code drift.max-points}). Each deduction comes with its reason.
 */
@ApplicationScoped
public class HealthScorer implements LeaderLoop.Step {

    /** A lab's health. */
    public record LabHealth(String projectId, int score, List<String> reasons, int expectedRunning, int running,
                            int crashed, int suspendedLinks, String serverStatus, Integer driftDifferences) {
    }

    private final FleetModel model;
    private final Detectors detectors;
    private final MonitoringEvents events;
    private final DriftWatcher drift;
    private final MonitoringConfig config;
    private final Map<String, LabHealth> last = new HashMap<>();

    public HealthScorer(FleetModel model, Detectors detectors, MonitoringEvents events, DriftWatcher drift,
                        MonitoringConfig config) {
        this.model = model;
        this.detectors = detectors;
        this.events = events;
        this.drift = drift;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event, LeaderLoop loop) {
        loop.add(this);
    }

    public LabHealth score(LabState lab) {
        List<String> reasons = new ArrayList<>();
        int crashed = detectors.stoppedNodes(lab.projectId()).size();
        int running = lab.runningNodes();
        int expected = running + crashed;
        double score = 100;
        if (expected > 0 && crashed > 0) {
            score -= 40.0 * crashed / expected;
            reasons.add(running + " of " + expected + " nodes expected running are running");
            score -= Math.min(45, 15 * crashed);
            reasons.add(crashed + " node(s) stopped without a lab operation");
        }
        long suspended = model.links(lab.projectId()).stream().filter(LinkState::suspended).count();
        if (suspended > 0) {
            score -= Math.min(30, 10 * suspended);
            reasons.add(suspended + " link(s) suspended");
        }
        ServerState server = lab.serverId() == null ? null : model.server(lab.serverId());
        String serverStatus = server == null ? "UNKNOWN" : server.status();
        if ("DOWN".equals(serverStatus)) {
            score -= 50;
            reasons.add("its GNS3 server is down");
        } else if ("DEGRADED".equals(serverStatus)) {
            score -= 15;
            reasons.add("its GNS3 server is degraded (slow answers)");
        }
        DriftWatcher.LabDrift d = drift.of(lab.projectId());
        if (d != null && d.differences() > 0) {
            score -= Math.min(config.drift().maxPoints(), config.drift().pointsPerDifference() * d.differences());
            reasons.add(d.differences() + " difference(s) from the topology last applied: "
                    + String.join("; ", d.examples()) + (d.differences() > d.examples().size() ? "; ..." : ""));
        }
        if (reasons.isEmpty()) {
            reasons.add("all nodes as expected, no link suspended, server up"
                    + (d != null ? ", as the topology last applied says" : ""));
        }
        return new LabHealth(lab.projectId(), (int) Math.max(0, Math.round(score)), reasons, expected, running, crashed,
                (int) suspended, serverStatus, d == null ? null : d.differences());
    }

    @Override
    public Uni<Void> run(List<TrafficViews.LabSample> samples) {
        for (LabState lab : model.labs()) {
            if (!"opened".equals(lab.status())) {
                continue;
            }
            LabHealth h = score(lab);
            if (!h.equals(last.get(lab.projectId()))) {
                last.put(lab.projectId(), h);
                events.telemetry(MonitoringEvents.LAB_HEALTH, lab.projectId(), h);
            }
        }
        last.keySet().removeIf(id -> model.lab(id) == null);
        return Uni.createFrom().voidItem();
    }
}
