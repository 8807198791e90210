package dev.labfleet.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where things are, for tests that drive the built suite from outside. */
final class E2e {

    /** Every service: module, short name and the port the e2e run gives it (the `up` ports + 10000). */
    static final List<Service> SERVICES = List.of(
            new Service("gns3-gateway-service", "gateway", 18081),
            new Service("project-service", "project", 18082),
            new Service("topology-service", "topology", 18083),
            new Service("automation-service", "automation", 18084),
            new Service("monitoring-service", "monitoring", 18085),
            new Service("search-service", "search", 18086));

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
