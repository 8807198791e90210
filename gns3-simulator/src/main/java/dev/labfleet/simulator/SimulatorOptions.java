package dev.labfleet.simulator;

import java.time.Duration;

/**
 * How a simulator runs.
 *
 * @param host           bind address (loopback by default)
 * @param port           0 for a free port
 * @param autoCloseDelay how long after its last notification client leaves an auto_close project closes (GNS3: 5 s)
 * @param computeTick    how often {@code compute.updated} is sent on the controller notification stream (GNS3: ~1 s)
 */
public record SimulatorOptions(String host, int port, Duration autoCloseDelay, Duration computeTick) {

    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, Duration.ofSeconds(5), Duration.ofSeconds(1));
    }

    public SimulatorOptions withPort(int value) {
        return new SimulatorOptions(host, value, autoCloseDelay, computeTick);
    }

    public SimulatorOptions withHost(String value) {
        return new SimulatorOptions(value, port, autoCloseDelay, computeTick);
    }

    public SimulatorOptions withAutoCloseDelay(Duration value) {
        return new SimulatorOptions(host, port, value, computeTick);
    }
}
