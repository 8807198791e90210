package dev.labfleet.e2e;

import dev.labfleet.common.testing.KafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;

/**
 * A service whose PostgreSQL, Redis or Kafka goes away reports readiness DOWN within 10 s, and UP again once the
 * dependency is back, without a restart. PostgreSQL and Redis are reached through cuttable proxies; Kafka is a
 * dedicated broker that the test stops and starts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependencyOutageIT {

    private static final Duration DOWN_WITHIN = Duration.ofSeconds(10);
    private static final Duration UP_WITHIN = Duration.ofSeconds(45);
    private static final String PG = "Reactive PostgreSQL connections health check";
    private static final String REDIS = "Redis connection health check";
    private static final String KAFKA = "Kafka connection health check";

    private static TcpProxy pg;
    private static TcpProxy redis;
    private static KafkaBroker kafka;
    private static ServiceProcess service;

    @BeforeAll
    static void start() throws Exception {
        pg = new TcpProxy(Integer.parseInt(E2e.env("PG_PORT", "5432")));
        redis = new TcpProxy(Integer.parseInt(E2e.env("REDIS_PORT", "6379")));
        Path dir = Files.createTempDirectory(E2e.root().resolve("e2e-tests/target"), "kafka-");
        kafka = new KafkaBroker(dir).start();
        service = new ServiceProcess("search-service", "search", 18096, Map.of(
                "DB_URL", "postgresql://127.0.0.1:" + pg.port() + "/labfleet_search_test",
                "REDIS_URL", "redis://127.0.0.1:" + redis.port(),
                "KAFKA_BOOTSTRAP", kafka.bootstrap())).start();
        service.awaitReady(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stop() throws Exception {
        if (service != null) {
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
    void postgresqlOutageIsReportedAndRecovered() throws Exception {
        outage(PG, pg::cut, pg::restore);
    }

    @Test
    @Order(2)
    void redisOutageIsReportedAndRecovered() throws Exception {
        outage(REDIS, redis::cut, redis::restore);
    }

    @Test
    @Order(3)
    void kafkaOutageIsReportedAndRecovered() throws Exception {
        outage(KAFKA, kafka::stop, kafka::start);
    }

    /** Takes the dependency away, expects its check DOWN within 10 s, brings it back and expects readiness UP. */
    private static void outage(String check, Step takeAway, Step bringBack) throws Exception {
        takeAway.run();
        awaitCheck(check, "DOWN", DOWN_WITHIN);
        bringBack.run();
        awaitCheck(check, "UP", UP_WITHIN);
        await("ready again").atMost(UP_WITHIN).pollInterval(Duration.ofMillis(250))
                .until(() -> service.readinessStatus() == 200);
    }

    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    private static void awaitCheck(String check, String status, Duration within) {
        await(check + " " + status).atMost(within).pollInterval(Duration.ofMillis(250))
                .until(() -> status.equals(service.check(check)));
    }
}
