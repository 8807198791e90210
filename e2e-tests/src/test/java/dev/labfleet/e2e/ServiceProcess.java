package dev.labfleet.e2e;

import io.restassured.RestAssured;
import io.restassured.response.Response;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/** One built Labfleet service (its Quarkus fast-jar) running as a separate process on a fixed loopback port. */
final class ServiceProcess implements AutoCloseable {

    private final String module;
    private final String shortName;
    private final int port;
    private final Map<String, String> env;
    private Process process;

    ServiceProcess(String module, String shortName, int port, Map<String, String> extraEnv) {
        this.module = module;
        this.shortName = shortName;
        this.port = port;
        this.env = new HashMap<>(extraEnv);
    }

    String module() {
        return module;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    ServiceProcess start() throws IOException {
        Path jar = E2e.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package the services first (./mvnw verify does)");
        }
        Path logs = E2e.root().resolve("e2e-tests/target/e2e-logs");
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>(List.of(E2e.java(), "-Xmx256m", "-XX:+UseSerialGC"));
        // The client compiler only: a service starts on 7 CPU seconds instead of 12 (the C2 compiler's work is most
        // of the rest), which is what a run of up to eighteen service JVMs on two cores needs (ReplicaIT restarts six
        // at once beside six serving a workload). Benchmarks measure production's JIT: -De2e.jit=full.
        if (!"full".equals(System.getProperty("e2e.jit", "c1"))) {
            command.add("-XX:TieredStopAtLevel=1");
        }
        // e.g. -De2e.jvm-args="-XX:StartFlightRecording=filename=/tmp/jfr/{module}.jfr,settings=profile" to profile
        String extra = System.getProperty("e2e.jvm-args", "").replace("{module}", module);
        if (!extra.isBlank()) {
            command.addAll(List.of(extra.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(logName()).toFile()));
        Map<String, String> environment = builder.environment();
        environment.put("PORT", Integer.toString(port));
        environment.put("LOG_JSON", "false");
        // The services' test databases: disposable, as the @QuarkusTests use them too.
        environment.put("DB_URL", "postgresql://127.0.0.1:" + E2e.env("PG_PORT", "5432") + "/labfleet_" + shortName + "_test" + E2e.DB_SUFFIX);
        // Kafka groups and Redis keys of their own: a suite started by ./labfleet up may share this Kafka and Redis
        environment.put("LABFLEET_KAFKA_GROUP", module + "-e2e" + E2e.DB_SUFFIX);
        environment.put("LABFLEET_TOPOLOGY_CACHE_KEY_PREFIX", "labfleet:topology:e2e:");
        environment.put("LABFLEET_GATEWAY_PLACEMENT_ROUND_ROBIN_KEY", "labfleet:gateway:e2e:placement:round-robin");
        // security on, as in production: tokens of the e2e run's dev issuer (E2e.issuer), the service account's
        // secret from it; every request of the tests carries an admin's token (E2e.issuer sets it up)
        environment.put("LABFLEET_OIDC_ISSUER", E2e.issuer().issuer());
        environment.put("LABFLEET_SERVICE_CLIENT_SECRET_FILE", E2e.issuer().dir().resolve("client-secret").toString());
        // the guard (common-api): its own Redis keys; limits no e2e test reaches (they run from one address, the
        // benchmarks too); the test client's own address is never banned (FuzzIT sends its bad tokens from
        // documentation addresses through X-Forwarded-For, which it may, from loopback)
        environment.put("LABFLEET_GUARD_KEY_PREFIX", "labfleet:guard:e2e" + E2e.DB_SUFFIX + ":");
        for (String limit : List.of("READS", "WRITES", "EXPENSIVE")) {
            environment.put("LABFLEET_RATE_LIMIT_" + limit, "100000");
            environment.put("LABFLEET_RATE_LIMIT_" + limit + "_BURST", "100000");
        }
        environment.put("LABFLEET_BAN_IGNORE", "127.0.0.1,::1,0:0:0:0:0:0:0:1");
        environment.putAll(env);
        process = builder.start();
        return this;
    }

    /** module.log for the suite's instance on its usual port; module-PORT.log for any other instance. */
    private String logName() {
        boolean usual = E2e.SERVICES.stream().anyMatch(s -> s.module().equals(module) && s.port() == port);
        return usual ? module + ".log" : module + "-" + port + ".log";
    }

    /** Waits until readiness is UP, failing early with the log's location if the process dies. */
    ServiceProcess awaitReady(Duration atMost) {
        await(module + " ready").atMost(atMost).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue()
                        + "; see e2e-tests/target/e2e-logs/" + logName());
            }
            return readinessStatus() == 200;
        });
        return this;
    }

    int readinessStatus() {
        try {
            return readiness().statusCode();
        } catch (Exception e) { // rest-assured rethrows ConnectException while the port is not open yet
            return -1;
        }
    }

    Response readiness() {
        return RestAssured.given().baseUri(baseUrl()).when().get("/q/health/ready");
    }

    /** The status of one named readiness check, or null when it is not listed. */
    String check(String name) {
        try {
            return readiness().jsonPath().getString("checks.find { it.name == '" + name + "' }.status");
        } catch (Exception e) { // not listening
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Kills the process at once (SIGKILL): no shutdown hook runs, as when a node or a container dies. */
    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    int port() {
        return port;
    }

    /** Sets (or, with null, removes) an environment variable for the next {@link #start()}. */
    ServiceProcess env(String name, String value) {
        if (value == null) {
            env.remove(name);
        } else {
            env.put(name, value);
        }
        return this;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }
}
