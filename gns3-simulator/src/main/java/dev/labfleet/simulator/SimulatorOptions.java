package dev.labfleet.simulator;

import java.time.Duration;

/**
 * How a simulator runs. Start from {@link #defaults()} and change what you need with the {@code with*} methods.
 *
 * @param host           bind address (loopback by default); consoles listen on it too
 * @param port           0 for a free port
 * @param autoCloseDelay how long after its last notification client leaves an auto_close project closes (GNS3: 5 s)
 * @param computeTick    how often {@code compute.updated} is sent on the controller notification stream (GNS3: ~1 s)
 * @param computes       how many computes the controller reports: {@code local}, then {@code compute2}, {@code compute3}…
 * @param consoles       whether started VPCS nodes get a live telnet console (off for load runs with thousands of
 *                       started nodes: one listening socket per node)
 * @param pingInterval   least time between two echo requests of a VPCS {@code ping} (VPCS: 1 s; default 0, the
 *                       next request leaves when the reply is in, which keeps tests fast)
 * @param pingTimeout    how long a VPCS {@code ping} waits for a reply before printing {@code timeout} (VPCS: 1 s)
 * @param controlPort    -1: none; 0: a free port; else a second listener that serves only {@code /_sim} and stays up
 *                       during an outage, so that {@code POST /_sim/faults/restore} can reach a stopped simulator
 */
public record SimulatorOptions(String host, int port, Duration autoCloseDelay, Duration computeTick, int computes,
                               boolean consoles, Duration pingInterval, Duration pingTimeout, int controlPort) {

    public SimulatorOptions {
        if (computes < 1) {
            throw new IllegalArgumentException("computes must be at least 1");
        }
    }

    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, Duration.ofSeconds(5), Duration.ofSeconds(1), 1, true,
                Duration.ZERO, Duration.ofSeconds(1), -1);
    }

    public SimulatorOptions withPort(int value) {
        return new SimulatorOptions(host, value, autoCloseDelay, computeTick, computes, consoles, pingInterval,
                pingTimeout, controlPort);
    }

    public SimulatorOptions withHost(String value) {
        return new SimulatorOptions(value, port, autoCloseDelay, computeTick, computes, consoles, pingInterval,
                pingTimeout, controlPort);
    }

    public SimulatorOptions withAutoCloseDelay(Duration value) {
        return new SimulatorOptions(host, port, value, computeTick, computes, consoles, pingInterval, pingTimeout,
                controlPort);
    }

    public SimulatorOptions withComputeTick(Duration value) {
        return new SimulatorOptions(host, port, autoCloseDelay, value, computes, consoles, pingInterval, pingTimeout,
                controlPort);
    }

    public SimulatorOptions withComputes(int value) {
        return new SimulatorOptions(host, port, autoCloseDelay, computeTick, value, consoles, pingInterval,
                pingTimeout, controlPort);
    }

    public SimulatorOptions withConsoles(boolean value) {
        return new SimulatorOptions(host, port, autoCloseDelay, computeTick, computes, value, pingInterval,
                pingTimeout, controlPort);
    }

    /** Ping pacing: the interval between echo requests and the wait for each reply. */
    public SimulatorOptions withPing(Duration interval, Duration timeout) {
        return new SimulatorOptions(host, port, autoCloseDelay, computeTick, computes, consoles, interval, timeout,
                controlPort);
    }

    public SimulatorOptions withControlPort(int value) {
        return new SimulatorOptions(host, port, autoCloseDelay, computeTick, computes, consoles, pingInterval,
                pingTimeout, value);
    }
}
