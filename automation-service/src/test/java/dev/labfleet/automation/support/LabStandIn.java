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
    private LabfleetFacade facade;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    public static TopologyStandIn topology() {
        return topology;
    }

    @Override
    public Map<String, String> start() {
        simulator = Gns3Simulator.start();
        facade = LabfleetFacade.start(simulator);
        topology = TopologyStandIn.start();
        return Map.of("quarkus.rest-client.gateway.url", facade.baseUrl(),
                "quarkus.rest-client.projects.url", facade.baseUrl(),
                "quarkus.rest-client.topology.url", topology.baseUrl());
    }

    @Override
    public void stop() {
        if (facade != null) {
            facade.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (topology != null) {
            topology.close();
        }
    }
}
