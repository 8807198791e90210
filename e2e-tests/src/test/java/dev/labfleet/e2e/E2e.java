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

    private static dev.labfleet.common.security.DevIssuer issuer;

    /**
     * The e2e run's OIDC issuer (the built-in dev issuer, in this JVM on a free port), started at first use; from then
     * on every RestAssured request carries an admin's token unless it sets its own Authorization.
     */
    static synchronized dev.labfleet.common.security.DevIssuer issuer() {
        if (issuer == null) {
            try {
                issuer = dev.labfleet.common.security.DevIssuer.start(
                        Files.createTempDirectory(root().resolve("e2e-tests/target"), "issuer-"), 0, null);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("the e2e issuer did not start", e);
            }
            io.restassured.RestAssured.requestSpecification = new io.restassured.builder.RequestSpecBuilder()
                    .addHeader("Authorization", "Bearer " + token("e2e-admin", "admin")).build();
        }
        return issuer;
    }

    /** A token of the e2e issuer, valid for two hours. */
    static String token(String user, String role, String... groups) {
        return issuer().token(user, List.of(role), List.of(groups), java.time.Duration.ofHours(2));
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
