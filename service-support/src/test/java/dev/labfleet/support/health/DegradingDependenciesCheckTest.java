package dev.labfleet.support.health;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The check against the real Kafka and Redis of scripts/infra.sh, and against a port where nothing listens. */
class DegradingDependenciesCheckTest {

    private final Vertx vertx = Vertx.vertx();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DegradingDependenciesCheck check;

    @AfterEach
    void stop() {
        if (check != null) {
            check.stop();
        }
        vertx.close();
    }

    @Test
    void parsesKafkaAndRedisAddresses() {
        assertThat(DegradingDependenciesCheck.hostPorts("a:9092, b , PLAINTEXT://c:19092"))
                .containsExactly("a:9092", "b:9092", "c:19092");
        assertThat(DegradingDependenciesCheck.redisHostPorts("redis://r1:6380,redis://user:pw@r2"))
                .containsExactly("r1:6380", "r2:6379");
    }

    @Test
    void reportsTheRealDependenciesUpAndStaysUp() {
        check = start(env("KAFKA_BOOTSTRAP", "127.0.0.1:9092"), env("REDIS_URL", "redis://127.0.0.1:6379"));
        await().atMost(Duration.ofSeconds(10)).until(() -> data(check.call(), "kafka").startsWith("UP")
                && data(check.call(), "redis").startsWith("UP"));
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(registry.get("labfleet_dependency_up").tag("dependency", "kafka").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void aDependencyThatDoesNotAnswerIsReportedDownWhileTheCheckStaysUp() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        check = start("127.0.0.1:" + closed, "redis://127.0.0.1:" + closed);
        await().atMost(Duration.ofSeconds(10)).until(() -> data(check.call(), "kafka").startsWith("DOWN since")
                && data(check.call(), "redis").startsWith("DOWN since"));
        assertThat(check.call().getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(registry.get("labfleet_dependency_up").tag("dependency", "redis").gauge().value()).isZero();
        // unreachable longer than warn-after (here zero): the log warns
        await().atMost(Duration.ofSeconds(10)).until(() -> check.warned("kafka") && check.warned("redis"));
    }

    @Test
    void aDependencyDownForLessThanWarnAfterIsReportedButNotWarnedAbout() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        check = new DegradingDependenciesCheck(vertx, registry, List.of("kafka"), "127.0.0.1:" + closed,
                Optional.empty(), Duration.ofMillis(200), Duration.ofMillis(1000), Duration.ofHours(1));
        check.start(null);
        // several failed probes: reported at once, in the data and the gauge ...
        await().atMost(Duration.ofSeconds(10)).until(() -> data(check.call(), "kafka").startsWith("DOWN since"));
        assertThat(registry.get("labfleet_dependency_up").tag("dependency", "kafka").gauge().value()).isZero();
        await().pollDelay(Duration.ofMillis(600)).atMost(Duration.ofSeconds(10))
                .until(() -> data(check.call(), "kafka").startsWith("DOWN since"));
        // ... but not a warning in the log before it has lasted warn-after
        assertThat(check.warned("kafka")).isFalse();
    }

    private DegradingDependenciesCheck start(String kafka, String redis) {
        DegradingDependenciesCheck c = new DegradingDependenciesCheck(vertx, registry, List.of("kafka", "redis"), kafka,
                Optional.of(redis), Duration.ofMillis(200), Duration.ofMillis(1000), Duration.ZERO);
        c.start(null);
        return c;
    }

    private static String data(HealthCheckResponse response, String key) {
        return response.getData().map(d -> String.valueOf(d.get(key))).orElse("");
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
