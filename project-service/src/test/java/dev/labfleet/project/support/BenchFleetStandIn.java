package dev.labfleet.project.support;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Five simulated GNS3 servers behind one gateway stand-in, for the fleet benchmark: S0 holds the source labs, S1-S4
 * take the copies (and the evacuated labs). Each simulated server takes {@code bench.import-ms} (default 1 s) per
 * project import, as a real GNS3 server spends unzipping and loading an archive.
 */
public class BenchFleetStandIn implements QuarkusTestResourceLifecycleManager {

    public static final List<UUID> SERVERS = new ArrayList<>();
    private static final List<Gns3Simulator> SIMULATORS = new ArrayList<>();
    private static LabfleetFacade facade;

    public static Gns3Simulator simulator(int i) {
        return SIMULATORS.get(i);
    }

    public static LabfleetFacade facade() {
        return facade;
    }

    @Override
    public Map<String, String> start() {
        long importMs = Long.getLong("bench.import-ms", 1000);
        for (int i = 0; i < 5; i++) {
            Gns3Simulator simulator = Gns3Simulator.start();
            simulator.faults().latency("POST /v2/projects/*/import", importMs);
            SIMULATORS.add(simulator);
        }
        SERVERS.add(LabfleetFacade.SERVER_ID);
        facade = LabfleetFacade.start(SIMULATORS.get(0));
        for (int i = 1; i < 5; i++) {
            UUID id = UUID.fromString("be4c0000-0000-4000-8000-00000000000" + i);
            SERVERS.add(id);
            facade.addServer(id, SIMULATORS.get(i));
        }
        return Map.of("quarkus.rest-client.gateway.url", facade.baseUrl(),
                "labfleet.project.fleet.start-delay", "0s");
    }

    @Override
    public void stop() {
        if (facade != null) {
            facade.close();
        }
        SIMULATORS.forEach(Gns3Simulator::close);
        SIMULATORS.clear();
        SERVERS.clear();
    }
}
