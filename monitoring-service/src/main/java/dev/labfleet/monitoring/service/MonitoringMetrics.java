package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.monitoring.domain.Anomaly;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.model.LinkState;
import dev.labfleet.monitoring.model.ServerState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gauges of the live model, refreshed every 5 s on every replica: servers, labs, and links of the labs whose traffic
 * is sampled (only those, so the number of series stays bounded by the capture budget's labs, not the fleet).
 */
@ApplicationScoped
public class MonitoringMetrics {

    private final FleetModel model;
    private final MultiGauge serverUp;
    private final MultiGauge serverLatency;
    private final MultiGauge serverCpu;
    private final MultiGauge serverMemory;
    private final MultiGauge labs;
    private final MultiGauge labRunning;
    private final MultiGauge labHealth;
    private final MultiGauge linkPps;
    private final MultiGauge linkBps;
    private final AtomicLong openAnomalies = new AtomicLong();

    public MonitoringMetrics(FleetModel model, MeterRegistry registry) {
        this.model = model;
        serverUp = MultiGauge.builder("monitoring_server_up").description("1 when the GNS3 server is UP or DEGRADED")
                .register(registry);
        serverLatency = MultiGauge.builder("monitoring_server_latency_ms").register(registry);
        serverCpu = MultiGauge.builder("monitoring_server_cpu_percent").register(registry);
        serverMemory = MultiGauge.builder("monitoring_server_memory_percent").register(registry);
        labs = MultiGauge.builder("monitoring_labs").description("labs by GNS3 status").register(registry);
        labRunning = MultiGauge.builder("monitoring_lab_running_nodes").register(registry);
        labHealth = MultiGauge.builder("monitoring_lab_health_score").register(registry);
        linkPps = MultiGauge.builder("monitoring_link_pps").description("packets/s per direction, selected labs")
                .register(registry);
        linkBps = MultiGauge.builder("monitoring_link_bps").description("bits/s per direction, selected labs")
                .register(registry);
        registry.gauge("monitoring_anomalies_open", openAnomalies);
    }

    @Scheduled(every = "5s", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        List<MultiGauge.Row<?>> up = new ArrayList<>();
        List<MultiGauge.Row<?>> latency = new ArrayList<>();
        List<MultiGauge.Row<?>> cpu = new ArrayList<>();
        List<MultiGauge.Row<?>> memory = new ArrayList<>();
        for (ServerState s : model.servers()) {
            Tags t = Tags.of("server", s.name() == null ? s.serverId() : s.name());
            up.add(MultiGauge.Row.of(t, "UP".equals(s.status()) || "DEGRADED".equals(s.status()) ? 1 : 0));
            if (s.latencyMs() != null) {
                latency.add(MultiGauge.Row.of(t, s.latencyMs()));
            }
            if (s.cpuPercent() != null) {
                cpu.add(MultiGauge.Row.of(t, s.cpuPercent()));
            }
            if (s.memoryPercent() != null) {
                memory.add(MultiGauge.Row.of(t, s.memoryPercent()));
            }
        }
        serverUp.register(up, true);
        serverLatency.register(latency, true);
        serverCpu.register(cpu, true);
        serverMemory.register(memory, true);
        List<MultiGauge.Row<?>> byStatus = new ArrayList<>();
        List<MultiGauge.Row<?>> running = new ArrayList<>();
        List<MultiGauge.Row<?>> health = new ArrayList<>();
        List<MultiGauge.Row<?>> pps = new ArrayList<>();
        List<MultiGauge.Row<?>> bps = new ArrayList<>();
        long opened = 0;
        long closed = 0;
        for (LabState lab : model.labs()) {
            if ("opened".equals(lab.status())) {
                opened++;
            } else {
                closed++;
            }
            Object trafficState = model.latest("labTraffic", lab.projectId());
            if (trafficState == null) {
                continue; // only monitored labs get per-lab and per-link series
            }
            String name = lab.name() == null ? lab.projectId() : lab.name();
            running.add(MultiGauge.Row.of(Tags.of("lab", name), lab.runningNodes()));
            JsonNode h = json(model.latest("health", lab.projectId()));
            if (h != null) {
                health.add(MultiGauge.Row.of(Tags.of("lab", name), h.path("score").asDouble()));
            }
            for (LinkState l : model.links(lab.projectId())) {
                JsonNode t = json(model.latest("traffic", l.linkId()));
                if (t == null) {
                    continue;
                }
                for (String dir : new String[]{"aToB", "bToA"}) {
                    Tags tags = Tags.of("lab", name, "link", l.linkId(), "direction", dir);
                    pps.add(MultiGauge.Row.of(tags, t.path(dir).path("pps").asDouble()));
                    bps.add(MultiGauge.Row.of(tags, t.path(dir).path("bps").asDouble()));
                }
            }
        }
        byStatus.add(MultiGauge.Row.of(Tags.of("status", "opened"), opened));
        byStatus.add(MultiGauge.Row.of(Tags.of("status", "closed"), closed));
        labs.register(byStatus, true);
        labRunning.register(running, true);
        labHealth.register(health, true);
        linkPps.register(pps, true);
        linkBps.register(bps, true);
        return Panache.withSession(() -> Anomaly.count("status <> 'resolved'")).invoke(openAnomalies::set)
                .replaceWithVoid().onFailure().recoverWithNull();
    }

    private static JsonNode json(Object o) {
        return o == null ? null : CloudEventCodec.mapper().valueToTree(o);
    }
}
