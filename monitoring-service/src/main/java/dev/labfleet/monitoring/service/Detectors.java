package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.Anomaly;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.model.NodeState;
import dev.labfleet.monitoring.model.ServerState;
import dev.labfleet.monitoring.traffic.TrafficViews;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The detectors (leader, each second). Baselines are EWMAs per link (mean and variance of packets per second,
 * weight {@code anomalies.alpha} per second, judged after {@code anomalies.warmup} seconds) and per server (latency):
 * <ul>
 *     <li>{@code traffic-spike}: a link above mean + {@code spike-sigmas} x sd and 3x its mean;</li>
 *     <li>{@code link-silent}: a link whose baseline is at least {@code silent-baseline-pps} carries nothing for
 *     {@code silent-for} (links of sampled labs are not judged: they are not read all the time);</li>
 *     <li>{@code broadcast-storm}, {@code icmp-flood}: fixed thresholds in frames per second;</li>
 *     <li>{@code scan}: one source to at least {@code scan-targets} distinct (address, port) in the rate window;</li>
 *     <li>{@code node-stopped}: a node went from started to stopped or suspended, and no lab stop or close of
 *     project-service explains it within {@code stop-grace} (GNS3 does not say who stopped a node: a single-node stop
 *     through the API counts as unexpected too);</li>
 *     <li>{@code server-down}, {@code server-latency}: the gateway's health status, and a latency above
 *     {@code latency-factor} x its baseline.</li>
 * </ul>
 * Each resolves itself when the condition is gone.
 */
@ApplicationScoped
public class Detectors implements LeaderLoop.Step {

    record StopSeen(String projectId, String nodeId, String name, long at) {
    }

    static final class Baseline {
        double mean;
        double var;
        int n;
        long zeroSince = -1;

        void add(double x, double alpha) {
            if (n == 0) {
                mean = x;
            } else {
                double d = x - mean;
                mean += alpha * d;
                var = (1 - alpha) * (var + alpha * d * d);
            }
            n++;
        }

        double sd() {
            return Math.sqrt(var);
        }
    }

    private final FleetModel model;
    private final AnomalyService anomalies;
    private final HealingService healing;
    private final Leadership leadership;
    private final MonitoringConfig config;
    private final ConcurrentLinkedQueue<StopSeen> stops = new ConcurrentLinkedQueue<>();
    private final Map<String, Long> intents = new ConcurrentHashMap<>();
    private final Map<String, Baseline> links = new HashMap<>();
    private final Map<String, Baseline> servers = new HashMap<>();
    /** Nodes with an open node-stopped anomaly, per lab: the health score counts them. */
    private final Map<String, Set<String>> stopped = new ConcurrentHashMap<>();

    public Detectors(FleetModel model, AnomalyService anomalies, HealingService healing, Leadership leadership,
                     MonitoringConfig config) {
        this.model = model;
        this.anomalies = anomalies;
        this.healing = healing;
        this.leadership = leadership;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event, LeaderLoop loop) {
        loop.add(this);
        model.observe(this::nodeChanged);
    }

    /** A lab stop, close or delete by project-service: the node stops around it were asked for. */
    public void intent(String projectId) {
        intents.put(projectId, System.currentTimeMillis());
    }

    public Set<String> stoppedNodes(String projectId) {
        return stopped.getOrDefault(projectId, Set.of());
    }

    /** The model's node observer (registered at start); tests that build a model of their own call it. */
    void nodeChangedForTest(NodeState before, NodeState after) {
        nodeChanged(before, after);
    }

    private void nodeChanged(NodeState before, NodeState after) {
        if (!leadership.leader()) {
            return;
        }
        if (before != null && after != null && "started".equals(before.status())
                && ("stopped".equals(after.status()) || "suspended".equals(after.status()))) {
            stops.add(new StopSeen(after.projectId(), after.nodeId(), after.name(), System.currentTimeMillis()));
        }
    }

    @Override
    public Uni<Void> run(List<TrafficViews.LabSample> samples) {
        List<Uni<?>> work = new ArrayList<>();
        nodes(work);
        traffic(samples, work);
        servers(work);
        return work.isEmpty() ? Uni.createFrom().voidItem()
                : Multi.createFrom().iterable(work).onItem().transformToUni(u -> u.onFailure().recoverWithNull())
                .concatenate().collect().asList().replaceWithVoid();
    }

    private void nodes(List<Uni<?>> work) {
        long now = System.currentTimeMillis();
        long grace = config.anomalies().stopGrace().toMillis();
        for (StopSeen s : List.copyOf(stops)) {
            if (now - s.at() < grace) {
                continue;
            }
            stops.remove(s);
            Long intent = intents.get(s.projectId());
            LabState lab = model.lab(s.projectId());
            NodeState node = model.node(s.projectId(), s.nodeId());
            if ((intent != null && intent >= s.at() - 60_000) || lab == null || !"opened".equals(lab.status())
                    || node == null || "started".equals(node.status())) {
                continue;
            }
            String key = "node-stopped:" + s.nodeId();
            Map<String, Object> evidence = new LinkedHashMap<>();
            evidence.put("nodeId", s.nodeId());
            evidence.put("name", s.name());
            evidence.put("status", node.status());
            evidence.put("stoppedAt", java.time.Instant.ofEpochMilli(s.at()).toString());
            stopped.computeIfAbsent(s.projectId(), k -> ConcurrentHashMap.newKeySet()).add(s.nodeId());
            work.add(raising(new AnomalyService.Finding("node-stopped", "warning", UUID.fromString(s.projectId()),
                    lab.serverId(), List.of("node:" + s.nodeId()), evidence,
                    "node " + s.name() + " stopped without a lab operation asking for it",
                    "start the node again (or turn on auto-healing for the lab)", key))
                    .chain(a -> a == null ? Uni.createFrom().voidItem()
                            : healing.nodeStopped(a, s.projectId(), s.nodeId(), lab.serverId())));
        }
        // stopped nodes that run again: resolved
        for (var e : stopped.entrySet()) {
            for (String nodeId : List.copyOf(e.getValue())) {
                NodeState n = model.node(e.getKey(), nodeId);
                if (n == null || "started".equals(n.status())) {
                    e.getValue().remove(nodeId);
                    resolve(work, "node-stopped:" + nodeId, n == null ? "node deleted" : "node started");
                }
            }
        }
    }

    private void traffic(List<TrafficViews.LabSample> samples, List<Uni<?>> work) {
        var c = config.anomalies();
        long now = System.currentTimeMillis();
        for (TrafficViews.LabSample sample : samples) {
            UUID projectId = UUID.fromString(sample.lab().projectId());
            String serverId = model.lab(sample.lab().projectId()) == null ? null
                    : model.lab(sample.lab().projectId()).serverId();
            for (TrafficViews.LinkTrafficView l : sample.links()) {
                double pps = l.aToB().pps() + l.bToA().pps();
                Baseline b = links.computeIfAbsent(l.linkId(), k -> new Baseline());
                String link = "link:" + l.linkId();
                if (!l.sampled() && l.capturing()) {
                    if (b.n >= c.warmup() && pps > b.mean + c.spikeSigmas() * b.sd() && pps > 3 * b.mean && pps >= 10) {
                        raise(work, (finding("traffic-spike", "warning", projectId, serverId, link,
                                Map.of("pps", pps, "baselinePps", b.mean, "baselineSd", b.sd()),
                                "traffic on a link far above its baseline", "look for a loop, a flood or a test run",
                                l.linkId())));
                    } else if (pps <= b.mean + 2 * b.sd()) {
                        resolve(work, "traffic-spike:" + l.linkId(), "back to baseline");
                    }
                    if (pps == 0) {
                        if (b.zeroSince < 0) {
                            b.zeroSince = now;
                        }
                        if (b.n >= c.warmup() && b.mean >= c.silentBaselinePps()
                                && now - b.zeroSince >= c.silentFor().toMillis()) {
                            raise(work, (finding("link-silent", "warning", projectId, serverId, link,
                                    Map.of("baselinePps", b.mean, "silentForSeconds", (now - b.zeroSince) / 1000),
                                    "a link that carried traffic went silent",
                                    "check the link (suspended? filters?) and the nodes at both ends", l.linkId())));
                        }
                    } else {
                        b.zeroSince = -1;
                        resolve(work, "link-silent:" + l.linkId(), "traffic again");
                    }
                    // the silence does not teach the baseline (it would forget what the link normally carries)
                    if (pps > 0 || b.n < c.warmup()) {
                        b.add(pps, c.alpha());
                    }
                }
                double icmp = l.protocols().getOrDefault("icmp", 0.0);
                threshold(work, "broadcast-storm", "critical", l.broadcastPps() >= c.broadcastStormPps(), projectId,
                        serverId, l, Map.of("broadcastPps", l.broadcastPps()),
                        "a broadcast or ARP storm", "look for a switching loop (spanning tree off?)");
                threshold(work, "icmp-flood", "warning", icmp >= c.icmpFloodPps(), projectId, serverId, l,
                        Map.of("icmpPps", icmp), "an ICMP flood", "find the source among the top talkers");
                int targets = l.topScannerTargets();
                String scanner = l.topScanner();
                threshold(work, "scan", "warning", targets >= c.scanTargets(), projectId, serverId, l,
                        Map.of("source", scanner == null ? "" : scanner, "distinctTargets", targets),
                        "one source reaching many addresses or ports (a scan)",
                        "check what runs on " + scanner);
            }
        }
    }

    private void threshold(List<Uni<?>> work, String kind, String severity, boolean on, UUID projectId,
                           String serverId, TrafficViews.LinkTrafficView l, Map<String, Object> evidence,
                           String summary, String action) {
        if (on) {
            raise(work, (finding(kind, severity, projectId, serverId, "link:" + l.linkId(), evidence,
                    summary, action, l.linkId())));
        } else {
            resolve(work, kind + ":" + l.linkId(), "below threshold");
        }
    }

    private static AnomalyService.Finding finding(String kind, String severity, UUID projectId, String serverId,
                                                  String affected, Map<String, Object> evidence, String summary,
                                                  String action, String objectId) {
        return new AnomalyService.Finding(kind, severity, projectId, serverId, List.of(affected), evidence, summary,
                action, kind + ":" + objectId);
    }

    private final Map<String, Boolean> serverDown = new HashMap<>();
    private final Map<String, Boolean> serverSlow = new HashMap<>();

    private void servers(List<Uni<?>> work) {
        for (ServerState s : model.servers()) {
            boolean down = "DOWN".equals(s.status());
            if (!Boolean.valueOf(down).equals(serverDown.put(s.serverId(), down))) {
                work.add(down
                        ? raising(new AnomalyService.Finding("server-down", "critical", null, s.serverId(),
                        List.of("server:" + s.serverId()), Map.of("status", s.status(),
                        "error", s.error() == null ? "" : s.error()), "GNS3 server " + name(s) + " is down",
                        "check the server and its network; labs on it are unreachable", "server-down:" + s.serverId()))
                        : resolving("server-down:" + s.serverId(), "server up"));
            }
            if (s.latencyMs() == null || down) {
                continue;
            }
            Baseline b = servers.computeIfAbsent(s.serverId(), k -> new Baseline());
            double lat = s.latencyMs();
            boolean slow = b.n >= 5 && lat > config.anomalies().latencyFactor() * b.mean && lat > b.mean + 200;
            if (slow != serverSlow.getOrDefault(s.serverId(), false)) {
                serverSlow.put(s.serverId(), slow);
                work.add(slow
                        ? raising(new AnomalyService.Finding("server-latency", "warning", null, s.serverId(),
                        List.of("server:" + s.serverId()), Map.of("latencyMs", lat, "baselineMs", b.mean),
                        "GNS3 server " + name(s) + " answers much slower than usual",
                        "look at the server's load and network", "server-latency:" + s.serverId()))
                        : resolving("server-latency:" + s.serverId(), "latency back to baseline"));
            }
            if (!slow) {
                b.add(lat, 0.2);
            }
        }
    }

    private static String name(ServerState s) {
        return s.name() == null ? s.serverId() : s.name();
    }

    /** For tests and health: is there an open node-stopped anomaly for this node? */
    public boolean nodeStopped(String projectId, String nodeId) {
        return stoppedNodes(projectId).contains(nodeId);
    }

    /** Keys of the anomalies this leader opened and has not resolved: no database work while nothing changes. */
    private final Set<String> open = ConcurrentHashMap.newKeySet();

    private void raise(List<Uni<?>> work, AnomalyService.Finding f) {
        if (!open.contains(f.dedupKey())) {
            work.add(raising(f));
        }
    }

    private Uni<Anomaly> raising(AnomalyService.Finding f) {
        open.add(f.dedupKey());
        return anomalies.raise(f);
    }

    private void resolve(List<Uni<?>> work, String key, String why) {
        if (open.contains(key)) {
            work.add(resolving(key, why));
        }
    }

    private Uni<Void> resolving(String key, String why) {
        open.remove(key);
        return anomalies.resolve(key, why);
    }
}
