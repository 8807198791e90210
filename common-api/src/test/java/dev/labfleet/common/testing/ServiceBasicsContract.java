package dev.labfleet.common.testing;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

/**
 * What every Labfleet service guarantees, run by each service's {@code @QuarkusTest} against its real PostgreSQL,
 * Redis and Kafka: readiness that really checks them (PostgreSQL as a readiness condition, Kafka and Redis as
 * reported dependencies), Prometheus metrics, an OpenAPI document, Swagger UI, problem+json answers for unknown
 * routes, test runs that never join the running suite's Kafka consumer groups, schema migrations that build,
 * upgrade and race safely ({@link SchemaMigrationContract}), every operation's problem responses documented
 * ({@link OpenApiProblemsContract}) and one JSON casing in the API ({@link ApiCasingContract}).
 */
public interface ServiceBasicsContract extends SchemaMigrationContract, OpenApiProblemsContract, ApiCasingContract {

    /** An incoming channel's connector property: {@code mp.messaging.incoming.<channel>.connector}. */
    Pattern INCOMING_CONNECTOR = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.connector");

    /**
     * The readiness checks this service must report, by name: its PostgreSQL (which makes it not ready), and the
     * degrading dependencies Kafka and Redis (reported in the check's data, never not-ready).
     */
    default List<String> expectedReadinessChecks() {
        return List.of("Reactive PostgreSQL connections health check", "Degrading dependencies (reported, never not-ready)");
    }

    /** The degrading dependencies this service reports in its readiness data. */
    default List<String> expectedDegradingDependencies() {
        return List.of("kafka", "redis");
    }

    @Test
    default void readinessChecksTheRealDependenciesAndIsUp() {
        RestAssured.given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItems(expectedReadinessChecks().toArray(String[]::new)))
                .body("checks.findAll { it.status != 'UP' }.size()", equalTo(0));
        for (String dependency : expectedDegradingDependencies()) {
            RestAssured.given().when().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'Degrading dependencies (reported, never not-ready)' }.data." + dependency,
                            startsWith("UP"));
        }
    }

    @Test
    default void livenessIsUp() {
        RestAssured.given().when().get("/q/health/live")
                .then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    default void prometheusMetricsAreExposed() {
        RestAssured.given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("jvm_memory_used_bytes"))
                .body(containsString("# TYPE"));
    }

    @Test
    default void openApiDocumentAndSwaggerUiAreServed() {
        RestAssured.given().accept(ContentType.JSON).when().get("/q/openapi")
                .then().statusCode(200)
                .body("openapi", notNullValue())
                .body("info.title", containsString("Labfleet"));
        RestAssured.given().when().get("/q/swagger-ui/")
                .then().statusCode(200).body(containsString("swagger"));
    }

    @Test
    default void unknownRouteIsAProblemDocument() {
        RestAssured.given().accept(ContentType.JSON).when().get("/api/v1/no-such-thing")
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("status", equalTo(404))
                .body("type", equalTo("https://labfleet.dev/problems/not-found"))
                .body("detail", containsString("/api/v1/no-such-thing"))
                .body("traceId", notNullValue());
    }

    /**
     * A test run shares Kafka with a suite that may be running ({@code ./labfleet up}): had its consumers joined the
     * suite's groups, they would take partitions from the running services, handle their records against the test
     * database and commit offsets in their name. So every Kafka channel this service consumes has a {@code %test.}
     * group id that differs from the one it runs with, and this run's consumers are members of that test group.
     */
    @Test
    default void kafkaConsumersUseTestGroupsOfTheirOwn() {
        Config config = ConfigProvider.getConfig();
        Map<String, String> groups = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            Matcher m = INCOMING_CONNECTOR.matcher(name);
            if (!m.matches() || !"smallrye-kafka".equals(config.getOptionalValue(name, String.class).orElse(null))
                    || !config.getOptionalValue("mp.messaging.incoming." + m.group(1) + ".enabled", Boolean.class)
                    .orElse(true)) {
                continue;
            }
            String key = "mp.messaging.incoming." + m.group(1) + ".group.id";
            String running = raw(config, key);
            String test = raw(config, "%test." + key);
            assertThat(test).as("channel %s: a %%test. group id of its own (the running suite's is %s)", m.group(1),
                    running).isNotNull().isNotEqualTo(running);
            groups.put(m.group(1), config.getValue(key, String.class));
        }
        if (groups.isEmpty()) {
            return; // this service consumes nothing
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.getValue("kafka.bootstrap.servers", String.class)))) {
            await("this run's consumers in their test groups " + groups).atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                        Map<String, ConsumerGroupDescription> described = admin
                                .describeConsumerGroups(List.copyOf(groups.values())).all().get(10, TimeUnit.SECONDS);
                        groups.forEach((channel, group) -> assertThat(described.get(group).members())
                                .as("members of %s (channel %s)", group, channel).isNotEmpty());
                    });
        }
    }

    /** A property's value as written in the highest-ordinal source that has it (no profile, no expansion). */
    private static String raw(Config config, String key) {
        return StreamSupport.stream(config.getConfigSources().spliterator(), false)
                .map(source -> source.getValue(key)).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }
}
