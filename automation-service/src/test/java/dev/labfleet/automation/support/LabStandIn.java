package dev.labfleet.automation.support;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * project-service's lab lookup and the gateway's GNS3 calls over a simulated GNS3 (whose started VPCS have real
 * telnet consoles), and topology-service's applies ({@link TopologyStandIn}), for automation-service's tests.
 */
public class LabStandIn implements QuarkusTestResourceLifecycleManager {

    private static Gns3Simulator simulator;
    private static TopologyStandIn topology;
    private static LabfleetFacade facade;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    /** The project-service stand-in (to say who owns a lab). */
    public static LabfleetFacade facade() {
        return facade;
    }

    public static TopologyStandIn topology() {
        return topology;
    }

    /** This start's own pieces: a restart (another test profile) may start the next before this one stops. */
    private AutoCloseable[] own = new AutoCloseable[0];

    @Override
    public Map<String, String> start() {
        Gns3Simulator sim = Gns3Simulator.start();
        LabfleetFacade projects = LabfleetFacade.start(sim);
        TopologyStandIn topologyStandIn = TopologyStandIn.start();
        own = new AutoCloseable[]{projects, sim, topologyStandIn};
        simulator = sim;
        facade = projects;
        topology = topologyStandIn;
        return Map.of("quarkus.rest-client.gateway.url", projects.baseUrl(),
                "quarkus.rest-client.projects.url", projects.baseUrl(),
                "quarkus.rest-client.topology.url", topologyStandIn.baseUrl(),
                "labfleet.security.projects-url", projects.baseUrl());
    }

    @Override
    public void stop() {
        for (AutoCloseable c : own) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
    }
}
