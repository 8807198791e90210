package dev.labfleet.topology.support;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * project-service's lab lookup and the gateway's GNS3 calls, over a simulated GNS3, for topology-service's tests
 * (pcap streams piped through {@link StreamingFront}).
 */
public class LabStandIn implements QuarkusTestResourceLifecycleManager {

    private static Gns3Simulator simulator;
    private static LabfleetFacade facade;
    private StreamingFront front;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    /** The gateway and project-service stand-in (to register a dead server next to the simulated one). */
    public static LabfleetFacade facade() {
        return facade;
    }

    @Override
    public Map<String, String> start() {
        simulator = Gns3Simulator.start();
        facade = LabfleetFacade.start(simulator);
        front = new StreamingFront(facade.baseUrl(), simulator.baseUrl());
        return Map.of("quarkus.rest-client.gateway.url", front.baseUrl(),
                "quarkus.rest-client.projects.url", facade.baseUrl(),
                "labfleet.security.projects-url", facade.baseUrl());
    }

    @Override
    public void stop() {
        if (front != null) {
            front.close();
        }
        if (facade != null) {
            facade.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }
}
