package dev.labfleet.e2e;

import dev.labfleet.common.testing.TcpProxy;
import dev.labfleet.common.testing.KafkaBroker;
import io.restassured.RestAssured;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness that keeps the API in service, for every service: with Kafka stopped, then Redis cut, each service stays
 * ready the whole time (its readiness data says the dependency is DOWN, within 10 s) and keeps answering requests;
 * with its PostgreSQL cut it is not ready within 10 s. Each comes back without a restart. PostgreSQL and Redis are
 * reached through cuttable proxies; Kafka is a dedicated broker that the test stops and starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyOutageIT {

    private static final Duration REPORTED_WITHIN = Duration.ofSeconds(10);
    private static final Duration OUTAGE = Duration.ofSeconds(15);
    private static final Duration UP_WITHIN = Duration.ofSeconds(45);
    private static final String PG = "Reactive PostgreSQL connections health check";
    private static final String DEGRADING = "Degrading dependencies (reported, never not-ready)";
    /** A request each service answers from its own database, to show it serves while a dependency is away. */
    private static final Map<String, String> PROBE_REQUEST = Map.of(
            "gateway", "/api/v1/servers",
            "project", "/api/v1/projects?limit=1",
            "automation", "/api/v1/scripts");

    private static TcpProxy pg;
    private static TcpProxy redis;
    private static KafkaBroker kafka;
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        pg = new TcpProxy(Integer.parseInt(E2e.env("PG_PORT", "5432")));
        redis = new TcpProxy(Integer.parseInt(E2e.env("REDIS_PORT", "6379")));
        Path dir = Files.createTempDirectory(E2e.root().resolve("e2e-tests/target"), "kafka-");
        kafka = new KafkaBroker(dir).start();
        for (E2e.Service s : E2e.SERVICES) {
            int port = s.port() + 10; // 18091..18096: beside the suite's processes
            services.put(s.shortName(), new ServiceProcess(s.module(), s.shortName(), port, Map.of(
                    "DB_URL", "postgresql://127.0.0.1:" + pg.port() + "/labfleet_" + s.shortName() + "_test" + E2e.DB_SUFFIX,
                    "REDIS_URL", "redis://127.0.0.1:" + redis.port(),
                    "KAFKA_BOOTSTRAP", kafka.bootstrap(),
                    "LABFLEET_HEALTH_PROBE_INTERVAL", "1s",
                    "LABFLEET_GATEWAY_URL", "http://127.0.0.1:" + (E2e.SERVICES.get(0).port() + 10),
                    "LABFLEET_PROJECT_URL", "http://127.0.0.1:" + (E2e.SERVICES.get(1).port() + 10))).start());
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofSeconds(180));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess service : services.values()) {
            service.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void withoutKafkaEveryServiceStaysReadyAndSaysSo() throws Exception {
        keptInService("kafka", kafka::stop, kafka::start);
    }

    @Test
    @Order(2)
    void withoutRedisEveryServiceStaysReadyAndSaysSo() throws Exception {
        keptInService("redis", redis::cut, redis::restore);
    }

    @Test
    @Order(3)
    void withoutItsPostgresqlAServiceIsNotReady() throws Exception {
        pg.cut();
        try {
            for (var e : services.entrySet()) {
                await(e.getKey() + " not ready without PostgreSQL").atMost(REPORTED_WITHIN).pollInterval(Duration.ofMillis(250))
                        .until(() -> e.getValue().readinessStatus() == 503 && "DOWN".equals(e.getValue().check(PG)));
            }
        } finally {
            pg.restore();
        }
        awaitAllReady();
    }

    /**
     * Takes the dependency away for {@link #OUTAGE}: every service answers readiness 200 at every poll, reports the
     * dependency DOWN in its data within 10 s, and answers its probe request; then it comes back and is reported UP.
     */
    private static void keptInService(String dependency, Step takeAway, Step bringBack) throws Exception {
        takeAway.run();
        List<String> failures = new ArrayList<>();
        try {
            Instant end = Instant.now().plus(OUTAGE);
            Map<String, Boolean> reported = new LinkedHashMap<>();
            while (Instant.now().isBefore(end)) {
                for (var e : services.entrySet()) {
                    ServiceProcess service = e.getValue();
                    int status = service.readinessStatus();
                    if (status != 200) {
                        failures.add(e.getKey() + " readiness " + status + " without " + dependency);
                    }
                    String data = degrading(service, dependency);
                    if (data != null && data.startsWith("DOWN")) {
                        reported.put(e.getKey(), true);
                    }
                    String path = PROBE_REQUEST.get(e.getKey());
                    if (path != null) {
                        int answer = RestAssured.given().baseUri(service.baseUrl()).get(path).statusCode();
                        if (answer != 200) {
                            failures.add(e.getKey() + " GET " + path + " answered " + answer + " without " + dependency);
                        }
                    }
                }
                Thread.sleep(500); // a polling cadence, not a wait for a condition
            }
            assertThat(reported.keySet()).as("services that reported %s DOWN within %s", dependency, OUTAGE)
                    .containsExactlyInAnyOrderElementsOf(services.keySet());
            assertThat(failures).as("requests refused while %s was away", dependency).isEmpty();
        } finally {
            bringBack.run();
        }
        for (var e : services.entrySet()) {
            await(e.getKey() + " sees " + dependency + " again").atMost(UP_WITHIN).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        String data = degrading(e.getValue(), dependency);
                        return data != null && data.startsWith("UP");
                    });
        }
        awaitAllReady();
    }

    private static void awaitAllReady() {
        for (var e : services.entrySet()) {
            await(e.getKey() + " ready again").atMost(UP_WITHIN).pollInterval(Duration.ofMillis(250))
                    .until(() -> e.getValue().readinessStatus() == 200);
        }
    }

    /** What the service's readiness data says about a degrading dependency ("UP (...)", "DOWN since ..."). */
    private static String degrading(ServiceProcess service, String dependency) {
        try {
            return service.readiness().jsonPath()
                    .getString("checks.find { it.name == '" + DEGRADING + "' }.data." + dependency);
        } catch (Exception e) { // not listening
            return null;
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }
}
