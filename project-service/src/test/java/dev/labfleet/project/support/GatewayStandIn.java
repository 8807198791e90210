package dev.labfleet.project.support;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.UUID;

/** Stands in for the gns3-gateway-service in project-service's tests: its internal API over a simulated GNS3. */
public class GatewayStandIn implements QuarkusTestResourceLifecycleManager {

    public static final UUID SERVER_ID = LabfleetFacade.SERVER_ID;

    private static Gns3Simulator simulator;
    private static LabfleetFacade facade;

    public static Gns3Simulator simulator() {
        return simulator;
    }

    /** The gateway stand-in (to register a dead server next to the simulated one). */
    public static LabfleetFacade facade() {
        return facade;
    }

    @Override
    public Map<String, String> start() {
        simulator = Gns3Simulator.start();
        facade = LabfleetFacade.start(simulator);
        return Map.of("quarkus.rest-client.gateway.url", facade.baseUrl());
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
