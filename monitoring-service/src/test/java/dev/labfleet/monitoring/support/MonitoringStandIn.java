package dev.labfleet.monitoring.support;

import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import dev.labfleet.simulator.SimulatorOptions;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

/**
 * The rest of the suite for monitoring-service's tests: a simulated GNS3 (pings every 200 ms), the gateway's API
 * over it (the simulator's facade, pcap streamed), project-service's lab lookup, and the gateway's notification
 * bridge to the real Kafka.
 */
public class MonitoringStandIn implements QuarkusTestResourceLifecycleManager {

    public static final UUID SERVER_ID = LabfleetFacade.SERVER_ID;

    private static Gns3Simulator simulator;
    private static GatewayFront front;
    private static NotificationBridge bridge;
    private static TopologyStandIn topology;
    private static LabfleetFacade facade;
    private static String gns3Events;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    /** project-service's stand-in (to say who owns a lab). */
    public static LabfleetFacade facade() {
        return facade;
    }

    /** The topic the gateway's notification bridge publishes on. */
    public static String gns3EventsTopic() {
        return gns3Events;
    }

    public static String gatewayUrl() {
        return front.baseUrl();
    }

    public static int captureStarts() {
        return front.captureStarts.get();
    }

    public static int captureStops() {
        return front.captureStops.get();
    }

    /** Follows a project's notifications at once (the controller stream would, within its own delivery). */
    public static void follow(String projectId) {
        bridge.follow(projectId);
    }

    /** This start's own pieces: a restart (another test profile) may start the next before this one stops. */
    private AutoCloseable[] own = new AutoCloseable[0];

    @Override
    public Map<String, String> start() {
        Gns3Simulator sim = Gns3Simulator.start(SimulatorOptions.defaults()
                .withPing(Duration.ofMillis(200), Duration.ofMillis(500)));
        LabfleetFacade projects = LabfleetFacade.start(sim);
        GatewayFront gateway = new GatewayFront(projects.baseUrl(), sim.baseUrl());
        String bootstrap = System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:9092");
        // the gateway's topic as this run's monitoring-service reads it: the tests' own, never the suite's (#17 item 4)
        gns3Events = TestTopics.of(Topics.GNS3_EVENTS);
        NotificationBridge notifications = new NotificationBridge(sim.baseUrl(), SERVER_ID, bootstrap, gns3Events);
        TopologyStandIn topologyStandIn = new TopologyStandIn();
        own = new AutoCloseable[]{notifications, gateway, projects, sim, topologyStandIn};
        simulator = sim;
        facade = projects;
        front = gateway;
        bridge = notifications;
        topology = topologyStandIn;
        return Map.of("quarkus.rest-client.gateway.url", gateway.baseUrl(),
                "quarkus.rest-client.projects.url", projects.baseUrl(),
                "quarkus.rest-client.topology.url", topologyStandIn.baseUrl(),
                "labfleet.security.projects-url", projects.baseUrl());
    }

    @Override
    public void stop() {
        for (AutoCloseable c : own) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing anyway
                }
            }
        }
    }
}
