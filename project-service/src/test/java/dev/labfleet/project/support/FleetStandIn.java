package dev.labfleet.project.support;

import dev.labfleet.simulator.Gns3Simulator;
import dev.labfleet.simulator.LabfleetFacade;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;
import java.util.UUID;

/**
 * Three simulated GNS3 servers behind one gateway stand-in, for moves and evacuations: A ({@link #A}, the facade's
 * first server), B and C.
 */
public class FleetStandIn implements QuarkusTestResourceLifecycleManager {

    public static final UUID A = LabfleetFacade.SERVER_ID;
    public static final UUID B = UUID.fromString("5e4e0000-0000-4000-8000-00000000000b");
    public static final UUID C = UUID.fromString("5e4e0000-0000-4000-8000-00000000000c");

    private static final Map<UUID, Gns3Simulator> SIMULATORS = new java.util.HashMap<>();
    private static LabfleetFacade facade;

    public static Gns3Simulator simulator(UUID server) {
        return SIMULATORS.get(server);
    }

    public static LabfleetFacade facade() {
        return facade;
    }

    @Override
    public Map<String, String> start() {
        for (UUID id : new UUID[] {A, B, C}) {
            SIMULATORS.put(id, Gns3Simulator.start());
        }
        facade = LabfleetFacade.start(SIMULATORS.get(A));
        facade.addServer(B, SIMULATORS.get(B));
        facade.addServer(C, SIMULATORS.get(C));
        return Map.of("quarkus.rest-client.gateway.url", facade.baseUrl(),
                // a replica that dies is taken over within seconds here; the default is a minute
                "labfleet.project.fleet.lease", "6s",
                "labfleet.project.fleet.start-delay", "0s",
                // backups due every few seconds, a server down for 3 s failed over, a failed failover retried soon
                "labfleet.project.backups.tick", "1s",
                "labfleet.project.backups.min-interval", "1s",
                "labfleet.project.backups.grace", "3s",
                "labfleet.project.backups.retry-delay", "2s",
                // a partial copy a rollback left is tried again within a second or two
                "labfleet.project.fleet.leftover-retry", "1s",
                "labfleet.project.fleet.leftover-interval", "1s");
    }

    @Override
    public void stop() {
        if (facade != null) {
            facade.close();
        }
        SIMULATORS.values().forEach(Gns3Simulator::close);
        SIMULATORS.clear();
    }
}
