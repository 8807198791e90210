package dev.labfleet.gateway.support;

import dev.labfleet.simulator.Gns3Simulator;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Three in-process GNS3 simulators for the gateway's tests: {@link #a()} is registered at startup through
 * {@code labfleet.gateway.bootstrap-urls} (as {@code LABFLEET_GNS3_URL} does it) and serves the proxy tests;
 * {@link #b()} is for outages and {@link #c()} for latency and error faults, so faults never trip A's breaker.
 */
public class Simulators implements QuarkusTestResourceLifecycleManager {

    private static Gns3Simulator a;
    private static Gns3Simulator b;
    private static Gns3Simulator c;

    public static Gns3Simulator a() {
        return a;
    }

    public static Gns3Simulator b() {
        return b;
    }

    public static Gns3Simulator c() {
        return c;
    }

    @Override
    public Map<String, String> start() {
        a = Gns3Simulator.start();
        b = Gns3Simulator.start();
        c = Gns3Simulator.start();
        return Map.of("labfleet.gateway.bootstrap-urls", a.baseUrl());
    }

    @Override
    public void stop() {
        for (Gns3Simulator s : new Gns3Simulator[]{a, b, c}) {
            if (s != null) {
                s.close();
            }
        }
    }
}
