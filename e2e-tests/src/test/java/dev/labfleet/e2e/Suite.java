package dev.labfleet.e2e;

import dev.labfleet.common.security.DevIssuer;
import dev.labfleet.simulator.Gns3Simulator;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole suite for the e2e run, started once for every test class that uses it: the GNS3 simulator and the six
 * services as separate processes (fast-jars) on the real PostgreSQL, Redis and Kafka. It stops when the run ends
 * and checks that every process is gone.
 */
final class Suite implements ExtensionContext.Store.CloseableResource {

    private static volatile Suite current;
    private final Gns3Simulator simulator;
    private final DevIssuer issuer;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();

    private Suite() throws Exception {
        simulator = Gns3Simulator.start();
        Path state = Files.createTempDirectory(E2e.root().resolve("e2e-tests/target"), "state-");
        // Security on, as ./labfleet up runs it: the e2e run's dev issuer (E2e.issuer) signs the tokens, the services
        // (ServiceProcess passes its URL) verify them against its JWKS; every request of the tests carries an admin's
        // token unless it sets its own.
        issuer = E2e.issuer();
        try {
            start(state);
        } catch (Exception e) {
            // a suite that did not start stops what it started: nothing may outlive the run (JUnit only closes a
            // suite that was made), or the next run finds its ports taken
            try {
                close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void start(Path state) throws Exception {
        // every service reaches the others on their e2e ports (LABFLEET_<SERVICE>_URL), as ./labfleet up does
        env.put("LABFLEET_GNS3_URL", simulator.baseUrl());
        env.put("LABFLEET_STATE_DIR", state.toString());
        // every e2e run starts from empty databases (the services' test databases): Flyway cleans them, then
        // migrates them as in production, and Hibernate validates the result
        env.put("QUARKUS_FLYWAY_CLEAN_AT_START", "true");
        // E2e.SERVICES: gateway, project, topology, automation, monitoring, search
        for (E2e.Service s : E2e.SERVICES) {
            env.put("LABFLEET_" + s.shortName().toUpperCase(java.util.Locale.ROOT) + "_URL", "http://127.0.0.1:" + s.port());
        }
        for (E2e.Service s : E2e.SERVICES) {
            services.put(s.shortName(), new ServiceProcess(s.module(), s.shortName(), s.port(), env).start());
        }
        for (ServiceProcess service : services.values()) {
            // LABFLEET_E2E_START_SECONDS: more on a machine busy with other builds
            service.awaitReady(Duration.ofSeconds(Long.parseLong(E2e.env("LABFLEET_E2E_START_SECONDS", "180"))));
        }
    }

    static Suite current() {
        return current;
    }

    /** A token of the suite's dev issuer (as {@code ./labfleet token} prints it). */
    String token(String user, String role, String... groups) {
        return E2e.token(user, role, groups);
    }

    DevIssuer issuer() {
        return issuer;
    }

    Gns3Simulator simulator() {
        return simulator;
    }

    ServiceProcess service(String shortName) {
        return services.get(shortName);
    }

    /**
     * Another instance of a service, on {@code port}, configured as the suite's own (same database, Kafka groups and
     * neighbours): a second replica. Not started; the caller closes it.
     */
    ServiceProcess replica(String shortName, int port) {
        ServiceProcess first = services.get(shortName);
        return new ServiceProcess(first.module(), shortName, port, env);
    }

    List<ServiceProcess> services() {
        return List.copyOf(services.values());
    }

    @Override
    public void close() throws Exception {
        List<String> alive = new ArrayList<>();
        for (ServiceProcess service : services.values()) {
            service.close();
            if (service.isAlive()) {
                alive.add(service.module());
            }
        }
        simulator.close();
        current = null;
        if (!alive.isEmpty()) {
            throw new IllegalStateException("still running after stop: " + alive);
        }
    }

    /**
     * For a class that runs a fleet of its own (ReplicaIT: two replicas of every service) and needs the machine's
     * cores: stops the suite if it runs. Six idle services still consume events and run their timers (about a
     * third of a 2-core machine), which made a dozen JVMs starting at once take four minutes. A later class that
     * needs the suite starts it again (on emptied databases, as the first start does); junit-platform.properties
     * orders such classes last, so in a full run that never happens.
     */
    static final class Release implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            Suite suite = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).remove(Suite.class, Suite.class);
            if (suite != null) {
                suite.close();
            }
        }
    }

    /** Starts the suite before the first class that needs it; JUnit closes it at the end of the run. */
    static final class Extension implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            current = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(Suite.class, key -> {
                        try {
                            return new Suite();
                        } catch (Exception e) {
                            throw new IllegalStateException("the suite did not start", e);
                        }
                    }, Suite.class);
        }
    }
}
