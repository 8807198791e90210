package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.monitoring.client.GatewayClient;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.traffic.TrafficViews;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far each opened lab drifted from the topology last applied to it, as topology-service reports it
 * ({@code GET /api/v1/projects/{projectId}/topology/drift}): asked by the leader every {@code drift.interval} for each
 * opened lab, a few labs at a time. A lab never applied (404) has no drift; a report that cannot be had (topology-service
 * down or slow) keeps the previous one, so a lab's health does not flap with topology-service's availability. The
 * health score deducts points per difference ({@link HealthScorer}).
 */
@ApplicationScoped
public class DriftWatcher implements LeaderLoop.Step {

    private static final Logger LOG = Logger.getLogger(DriftWatcher.class);
    private static final int EXAMPLES = 3;

    /**
     * A lab's drift.
     *
     * @param differences how many nodes, links or fields differ from the spec
     * @param examples    the first few, as sentences
     * @param checkedAt   when topology-service answered
     */
    public record LabDrift(int differences, List<String> examples, OffsetDateTime checkedAt) {
    }

    private final GatewayClient client;
    private final FleetModel model;
    private final MonitoringConfig config;
    private final Map<String, LabDrift> drift = new ConcurrentHashMap<>();
    private volatile long lastRound;
    private volatile boolean running;
    /** Set at shutdown: no round starts; the one running (not awaited by the tick) is cancelled. */
    private volatile boolean stopped;
    private volatile Cancellable round;

    public DriftWatcher(GatewayClient client, FleetModel model, MonitoringConfig config) {
        this.client = client;
        this.model = model;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event, LeaderLoop loop) {
        loop.add(this);
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        Cancellable current = round;
        if (current != null) {
            current.cancel();
        }
    }

    /** The lab's last drift report, or null when it has none (never applied, or not asked yet). */
    public LabDrift of(String projectId) {
        return drift.get(projectId);
    }

    @Override
    public Uni<Void> run(List<TrafficViews.LabSample> samples) {
        long every = config.drift().interval().toMillis();
        long now = System.currentTimeMillis();
        if (stopped || every <= 0 || running || now - lastRound < every) {
            return Uni.createFrom().voidItem();
        }
        lastRound = now;
        running = true;
        List<String> labs = new ArrayList<>();
        for (LabState lab : model.labs()) {
            if ("opened".equals(lab.status())) {
                labs.add(lab.projectId());
            }
        }
        drift.keySet().removeIf(id -> model.lab(id) == null);
        // not awaited by the tick: a slow topology-service must not hold the leader's second
        round = Multi.createFrom().iterable(labs).onItem().transformToUni(this::check)
                .merge(Math.max(1, config.drift().concurrency()))
                .collect().asList()
                .onTermination().invoke(() -> running = false)
                .subscribe().with(x -> { }, e -> LOG.debugf("drift round: %s", e.toString()));
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> check(String projectId) {
        return client.drift(UUID.fromString(projectId))
                .invoke(report -> drift.put(projectId, of(report)))
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    if (e instanceof ProblemException p && p.problem().status() == 404) {
                        drift.remove(projectId); // no topology applied to this lab: nothing to drift from
                    } else {
                        LOG.debugf("drift of lab %s not read: %s", projectId, e.getMessage());
                    }
                    return Uni.createFrom().voidItem();
                });
    }

    static LabDrift of(JsonNode report) {
        List<String> examples = new ArrayList<>();
        int n = 0;
        if (!report.path("inSync").asBoolean(false)) {
            for (JsonNode d : report.path("differences")) {
                n++;
                if (examples.size() < EXAMPLES) {
                    examples.add(describe(d));
                }
            }
        }
        return new LabDrift(n, List.copyOf(examples), OffsetDateTime.now(ZoneOffset.UTC));
    }

    /** topology-service's own sentence for a difference, or one made of its fields. */
    static String describe(JsonNode d) {
        String description = d.path("description").asText("");
        if (!description.isBlank()) {
            return description;
        }
        StringBuilder sb = new StringBuilder();
        sb.append(d.path("kind").asText("object")).append(' ').append(d.path("name").asText("?"));
        String field = d.path("field").asText(null);
        if (field != null && !field.isBlank()) {
            sb.append(' ').append(field);
        }
        JsonNode expected = d.get("expected");
        JsonNode actual = d.get("actual");
        if (expected == null || expected.isNull() || actual == null || actual.isNull()) {
            sb.append(" differs");
        } else {
            sb.append(": expected ").append(expected.isValueNode() ? expected.asText() : expected.toString())
                    .append(", is ").append(actual.isValueNode() ? actual.asText() : actual.toString());
        }
        return sb.toString();
    }
}
