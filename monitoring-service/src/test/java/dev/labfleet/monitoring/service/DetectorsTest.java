package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.Anomaly;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.traffic.LinkTraffic;
import dev.labfleet.monitoring.traffic.TrafficViews;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The detectors' rules, one second at a time, on synthetic samples: what opens an anomaly (with its severity,
 * affected object and evidence), that an open one is not raised again each second, and what resolves it. The
 * anomaly store is replaced by a recorder (its own behaviour is covered by AnomalyHealingTest on PostgreSQL); the
 * fleet model is the real one. Grace periods are zero so no test waits.
 */
class DetectorsTest {

    /** What the detectors asked the anomaly store to do, in order. */
    final List<String> calls = new ArrayList<>();
    final Map<String, AnomalyService.Finding> raised = new HashMap<>();
    final List<String> healed = new ArrayList<>();

    FleetModel model;
    Detectors detectors;
    final String projectId = UUID.randomUUID().toString();
    final String serverId = UUID.randomUUID().toString();
    final String linkId = UUID.randomUUID().toString();

    static MonitoringConfig config(Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        props.put("labfleet.monitoring.anomalies.stop-grace", "0s");
        props.put("labfleet.monitoring.anomalies.warmup", "10");
        props.put("labfleet.monitoring.anomalies.alpha", "0.2");
        props.put("labfleet.monitoring.anomalies.silent-for", "0s");
        props.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(MonitoringConfig.class)
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(props, "test", 500)).build();
        return config.getConfigMapping(MonitoringConfig.class);
    }

    @BeforeEach
    void setUp() {
        MonitoringConfig config = config(Map.of());
        model = new FleetModel(config);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AnomalyService store = new AnomalyService(null, model, registry) {
            @Override
            public Uni<Anomaly> raise(Finding f) {
                calls.add("raise " + f.dedupKey());
                raised.put(f.dedupKey(), f);
                Anomaly a = new Anomaly();
                a.id = UUID.randomUUID();
                a.kind = f.kind();
                return Uni.createFrom().item(a);
            }

            @Override
            public Uni<Void> resolve(String dedupKey, String why) {
                calls.add("resolve " + dedupKey + " (" + why + ")");
                return Uni.createFrom().voidItem();
            }
        };
        Leadership leadership = new Leadership(null, model, config) {
            @Override
            public boolean leader() {
                return true;
            }
        };
        HealingService healing = new HealingService(null, store, null, leadership, registry) {
            @Override
            public Uni<Void> nodeStopped(Anomaly anomaly, String project, String nodeId, String server) {
                healed.add(nodeId);
                return Uni.createFrom().voidItem();
            }
        };
        detectors = new Detectors(model, store, healing, leadership, config);
        model.observe((before, after) -> invokeNodeChanged(before, after));
        ObjectNode project = CloudEventCodec.mapper().createObjectNode().put("project_id", projectId)
                .put("name", "lab").put("status", "opened");
        model.project(serverId, project);
    }

    private void invokeNodeChanged(dev.labfleet.monitoring.model.NodeState before,
                                   dev.labfleet.monitoring.model.NodeState after) {
        detectors.nodeChangedForTest(before, after);
    }

    /** One second of the leader loop with this link sample. */
    private void second(TrafficViews.LinkTrafficView link) {
        var lab = new TrafficViews.LabTrafficView(projectId, "traffic", OffsetDateTime.now(), 0, 0, false, 1,
                OffsetDateTime.now());
        detectors.run(link == null ? List.of() : List.of(new TrafficViews.LabSample(lab, List.of(link))))
                .await().atMost(Duration.ofSeconds(5));
    }

    private TrafficViews.LinkTrafficView link(double pps, boolean sampled, Map<String, Double> protocols,
                                              double broadcastPps, String scanner, int scanTargets) {
        return new TrafficViews.LinkTrafficView(linkId, projectId, true, sampled,
                new LinkTraffic.Direction(pps / 2, pps * 400), new LinkTraffic.Direction(pps / 2, pps * 400),
                protocols, broadcastPps, List.of(), List.of(), scanner, scanTargets, OffsetDateTime.now());
    }

    private TrafficViews.LinkTrafficView pps(double pps) {
        return link(pps, false, Map.of(), 0, null, 0);
    }

    private long count(String prefix) {
        return calls.stream().filter(c -> c.startsWith(prefix)).count();
    }

    @Test
    void aSpikeFarAboveTheLearnedBaselineOpensOnceAndResolvesWhenTrafficIsBack() {
        for (int i = 0; i < 30; i++) {
            second(pps(10 + (i % 3))); // a baseline of about 11 pps with a little noise
        }
        assertThat(calls).isEmpty();
        second(pps(25)); // above 3 sd, but not 3x the mean: not a spike
        assertThat(calls).isEmpty();
        second(pps(400));
        second(pps(420)); // still high: the open anomaly is not raised again
        assertThat(calls).containsExactly("raise traffic-spike:" + linkId);
        AnomalyService.Finding f = raised.get("traffic-spike:" + linkId);
        assertThat(f.kind()).isEqualTo("traffic-spike");
        assertThat(f.severity()).isEqualTo("warning");
        assertThat(f.affected()).containsExactly("link:" + linkId);
        assertThat(f.projectId()).hasToString(projectId);
        assertThat((Double) f.evidence().get("pps")).isEqualTo(400.0);
        assertThat((Double) f.evidence().get("baselinePps")).isBetween(9.0, 16.0);
        second(pps(11));
        assertThat(calls).last().isEqualTo("resolve traffic-spike:" + linkId + " (back to baseline)");
    }

    @Test
    void aSpikeIsNotJudgedBeforeTheBaselineIsWarm() {
        for (int i = 0; i < 5; i++) {
            second(pps(1));
        }
        second(pps(500));
        assertThat(count("raise")).isZero();
    }

    @Test
    void aLinkThatCarriedTrafficAndWentSilentIsAnAnomalyAndSilenceDoesNotTeachTheBaseline() {
        for (int i = 0; i < 15; i++) {
            second(pps(5));
        }
        for (int i = 0; i < 40; i++) {
            second(pps(0)); // forty silent seconds: the baseline must still say 5 pps
        }
        assertThat(count("raise link-silent:" + linkId)).isEqualTo(1);
        AnomalyService.Finding f = raised.get("link-silent:" + linkId);
        assertThat((Double) f.evidence().get("baselinePps")).isEqualTo(5.0);
        second(pps(5));
        assertThat(calls).contains("resolve link-silent:" + linkId + " (traffic again)");
    }

    @Test
    void aQuietLinkOrASampledOneIsNeverSilent() {
        for (int i = 0; i < 15; i++) {
            second(pps(0.2)); // below silent-baseline-pps (1)
        }
        second(pps(0));
        for (int i = 0; i < 15; i++) {
            second(link(5, true, Map.of(), 0, null, 0)); // sampled: read part of the time only
        }
        second(link(0, true, Map.of(), 0, null, 0));
        assertThat(count("raise")).isZero();
    }

    @Test
    void broadcastStormsIcmpFloodsAndScansAreThresholds() {
        second(link(300, false, Map.of("arp", 250.0), 250, null, 0));
        AnomalyService.Finding storm = raised.get("broadcast-storm:" + linkId);
        assertThat(storm.severity()).isEqualTo("critical");
        assertThat(storm.evidence()).containsEntry("broadcastPps", 250.0);

        second(link(1500, false, Map.of("icmp", 1500.0), 0, null, 0));
        assertThat(calls).contains("resolve broadcast-storm:" + linkId + " (below threshold)");
        AnomalyService.Finding flood = raised.get("icmp-flood:" + linkId);
        assertThat(flood.severity()).isEqualTo("warning");
        assertThat(flood.evidence()).containsEntry("icmpPps", 1500.0);

        second(link(200, false, Map.of("tcp", 200.0), 0, "10.0.0.66", 150));
        assertThat(calls).contains("resolve icmp-flood:" + linkId + " (below threshold)");
        AnomalyService.Finding scan = raised.get("scan:" + linkId);
        assertThat(scan.evidence()).containsEntry("source", "10.0.0.66").containsEntry("distinctTargets", 150);
        assertThat(scan.suggestedAction()).contains("10.0.0.66");
        second(link(200, false, Map.of("tcp", 200.0), 0, "10.0.0.66", 150));
        assertThat(count("raise scan:")).isEqualTo(1);

        // just below each threshold: nothing
        calls.clear();
        second(link(100, false, Map.of("icmp", 999.0), 199, "10.0.0.66", 99));
        assertThat(count("raise")).isZero();
        assertThat(calls).containsExactly("resolve scan:" + linkId + " (below threshold)");
    }

    private void node(String nodeId, String status) {
        ObjectNode n = CloudEventCodec.mapper().createObjectNode().put("node_id", nodeId).put("project_id", projectId)
                .put("name", "R1").put("node_type", "qemu").put("status", status);
        model.node(serverId, n);
    }

    @Test
    void aNodeStoppedWithoutALabOperationIsAnAnomalyHandedToHealingAndResolvedWhenItRunsAgain() {
        String nodeId = UUID.randomUUID().toString();
        node(nodeId, "started");
        node(nodeId, "stopped");
        second(null);
        assertThat(calls).containsExactly("raise node-stopped:" + nodeId);
        assertThat(healed).containsExactly(nodeId);
        assertThat(detectors.stoppedNodes(projectId)).containsExactly(nodeId);
        assertThat(raised.get("node-stopped:" + nodeId).evidence()).containsEntry("name", "R1")
                .containsEntry("status", "stopped");
        node(nodeId, "started");
        second(null);
        assertThat(calls).last().isEqualTo("resolve node-stopped:" + nodeId + " (node started)");
        assertThat(detectors.stoppedNodes(projectId)).isEmpty();
    }

    @Test
    void aNodeStoppedByALabStopOrCloseIsNoAnomaly() {
        String nodeId = UUID.randomUUID().toString();
        node(nodeId, "started");
        detectors.intent(projectId); // project-service stopped the lab
        node(nodeId, "stopped");
        second(null);
        assertThat(calls).isEmpty();
        assertThat(healed).isEmpty();
    }

    @Test
    void aServerGoingDownOrSlowingDownIsAnAnomalyUntilItRecovers() {
        model.serverHealth(serverId, "gns3-a", "http://a", "UP", 20L, "CLOSED", null);
        for (int i = 0; i < 6; i++) {
            second(null);
        }
        assertThat(calls).containsExactly("resolve server-down:" + serverId + " (server up)");
        calls.clear();
        model.serverHealth(serverId, "gns3-a", "http://a", "UP", 400L, "CLOSED", null); // 20x and +380 ms
        second(null);
        second(null);
        assertThat(calls).containsExactly("raise server-latency:" + serverId);
        assertThat(raised.get("server-latency:" + serverId).evidence()).containsEntry("latencyMs", 400.0);
        model.serverHealth(serverId, "gns3-a", "http://a", "UP", 22L, "CLOSED", null);
        second(null);
        assertThat(calls).last().isEqualTo("resolve server-latency:" + serverId + " (latency back to baseline)");

        calls.clear();
        model.serverHealth(serverId, "gns3-a", "http://a", "DOWN", null, "OPEN", "connection refused");
        second(null);
        second(null);
        assertThat(calls).containsExactly("raise server-down:" + serverId);
        AnomalyService.Finding down = raised.get("server-down:" + serverId);
        assertThat(down.severity()).isEqualTo("critical");
        assertThat(down.evidence()).containsEntry("error", "connection refused");
        model.serverHealth(serverId, "gns3-a", "http://a", "UP", 20L, "CLOSED", null);
        second(null);
        assertThat(calls).last().isEqualTo("resolve server-down:" + serverId + " (server up)");
    }
}
