package dev.labfleet.topology.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code labfleet_topology_apply_seconds{status}} and
 * {@code labfleet_topology_apply_changes_total{kind,action,outcome}}.
 */
@ApplicationScoped
public class ApplyMetrics {

    private final MeterRegistry meters;

    public ApplyMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    /** Counts one ended apply: its duration by status, its changes by kind, action and outcome. */
    void record(ApplyReport report) {
        Timer.builder("labfleet.topology.apply").description("Spec applies, by how they ended")
                .tag("status", report.status().name()).register(meters)
                .record(Duration.ofMillis(report.durationMs()));
        Map<String, Long> counts = new HashMap<>();
        report.results().forEach(r -> counts.merge(r.kind() + "|" + r.action() + "|" + r.outcome(), 1L, Long::sum));
        counts.forEach((key, n) -> {
            String[] k = key.split("\\|");
            meters.counter("labfleet.topology.apply.changes", "kind", k[0], "action", k[1], "outcome", k[2]).increment(n);
        });
    }
}
