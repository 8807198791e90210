package dev.labfleet.monitoring.traffic;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.messaging.MonitoringEvents;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LinkState;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every second (leader): each monitored lab's link rates and total, whether the lab carries traffic and since when.
 * The samples go on {@code lab.monitoring} (telemetry) for every replica's streams and into the history.
 */
@ApplicationScoped
public class TrafficSampler {

    /** Whether a lab carries traffic, since when, and its rate now. */
    public record LabStatus(boolean traffic, Instant since, double pps, double bps) {
    }

    private final CaptureManager captures;
    private final FleetModel model;
    private final MonitoringConfig config;
    private final MonitoringEvents events;
    private final Map<String, LabStatus> status = new HashMap<>();

    public TrafficSampler(CaptureManager captures, FleetModel model, MonitoringConfig config, MonitoringEvents events) {
        this.captures = captures;
        this.model = model;
        this.config = config;
        this.events = events;
    }

    public synchronized Map<String, LabStatus> status() {
        return Map.copyOf(status);
    }

    /** Samples the watched labs; returns the samples (also published). */
    public synchronized List<TrafficViews.LabSample> sample(List<UUID> labs) {
        long now = System.currentTimeMillis();
        OffsetDateTime at = OffsetDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC);
        int window = config.traffic().rateWindowSeconds();
        List<TrafficViews.LabSample> out = new ArrayList<>();
        status.keySet().retainAll(labs.stream().map(UUID::toString).toList());
        for (UUID lab : labs) {
            String projectId = lab.toString();
            if (model.lab(projectId) == null) {
                continue;
            }
            boolean sampled = captures.sampled(projectId);
            List<TrafficViews.LinkTrafficView> links = new ArrayList<>();
            double pps = 0;
            double bps = 0;
            int capturing = 0;
            for (LinkState link : model.links(projectId)) {
                LinkTraffic t = captures.traffic(link.linkId());
                boolean reading = captures.reading(link.linkId());
                if (reading) {
                    capturing++;
                }
                if (t == null) {
                    continue;
                }
                LinkTraffic.Rates r = t.rates(now, window);
                links.add(new TrafficViews.LinkTrafficView(link.linkId(), projectId, reading, sampled, r.aToB(),
                        r.bToA(), r.protocols(), r.broadcastPps(), r.topMacs(), r.topIps(), r.topScanner(),
                        r.topScannerTargets(), at));
                pps += r.pps();
                bps += r.bps();
            }
            boolean traffic = pps >= config.traffic().activePps();
            LabStatus before = status.get(projectId);
            Instant since = before != null && before.traffic() == traffic ? before.since() : at.toInstant();
            LabStatus now1 = new LabStatus(traffic, since, pps, bps);
            status.put(projectId, now1);
            TrafficViews.LabTrafficView view = new TrafficViews.LabTrafficView(projectId, traffic ? "traffic" : "idle",
                    OffsetDateTime.ofInstant(since, ZoneOffset.UTC), pps, bps, sampled, capturing, at);
            TrafficViews.LabSample sample = new TrafficViews.LabSample(view, links);
            events.telemetry(MonitoringEvents.TRAFFIC_SAMPLED, projectId, sample);
            out.add(sample);
        }
        return out;
    }

    /** The rates of one link now (leader), for detectors. */
    public LinkTraffic.Rates rates(String linkId) {
        LinkTraffic t = captures.traffic(linkId);
        return t == null ? null : t.rates(System.currentTimeMillis(), config.traffic().rateWindowSeconds());
    }
}
