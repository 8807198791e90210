package dev.labfleet.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where things are, for tests that drive the built suite from outside. */
final class E2e {

    /**
     * Added to every port below (LABFLEET_E2E_PORT_OFFSET, default 0), with LABFLEET_E2E_DB_SUFFIX for the databases
     * and Kafka groups: two e2e runs on one machine (two checkouts) then never share ports, databases or groups.
     */
    static final int PORT_OFFSET = Integer.parseInt(env("LABFLEET_E2E_PORT_OFFSET", "0"));
    static final String DB_SUFFIX = env("LABFLEET_E2E_DB_SUFFIX", "");

    /** Every service: module, short name and the port the e2e run gives it (the `up` ports + 10000). */
    static final List<Service> SERVICES = List.of(
            new Service("gns3-gateway-service", "gateway", 18081 + PORT_OFFSET),
            new Service("project-service", "project", 18082 + PORT_OFFSET),
            new Service("topology-service", "topology", 18083 + PORT_OFFSET),
            new Service("automation-service", "automation", 18084 + PORT_OFFSET),
            new Service("monitoring-service", "monitoring", 18085 + PORT_OFFSET),
            new Service("search-service", "search", 18086 + PORT_OFFSET));

    private E2e() {
    }

    static Path root() {
        String configured = System.getProperty("labfleet.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("labfleet"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Labfleet checkout from " + start);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    record Service(String module, String shortName, int port) {
    }
}
