package dev.labfleet.automation.support;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * project-service's lab lookup and the gateway's GNS3 calls over a simulated GNS3 (whose started VPCS have real
 * telnet consoles), for automation-service's tests.
 */
public class LabStandIn implements QuarkusTestResourceLifecycleManager {

    private static Gns3Simulator simulator;
    private LabfleetFacade facade;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        simulator = Gns3Simulator.start();
        facade = LabfleetFacade.start(simulator);
        return Map.of("quarkus.rest-client.gateway.url", facade.baseUrl(),
                "quarkus.rest-client.projects.url", facade.baseUrl());
    }

    @Override
    public void stop() {
        if (facade != null) {
            facade.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }
}
