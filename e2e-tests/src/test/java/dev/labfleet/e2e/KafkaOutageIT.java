package dev.labfleet.e2e;

import dev.labfleet.common.testing.KafkaBroker;
import dev.labfleet.simulator.Gns3Simulator;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stopped for a minute (LABFLEET_E2E_KAFKA_OUTAGE, ISO-8601, default PT60S) while GNS3 changes labs behind
 * Labfleet's back and its notifications flow: once Kafka is back, project-service's lab statuses and topology-service's
 * cached node lists match GNS3, with no service restarted. Kafka is a broker of this test's own (the shared one is never
 * touched); topology-service's cache lives longer than the outage, so only gns3.events can repair it.
 *
 * <p>The services keep their tables in a schema of this test's own ({@link #SCHEMA}, dropped at the end) in the
 * services' test databases: the suite's processes of the other e2e tests may run at the same time on the public
 * schema, and a gateway of theirs must not bridge (and lease) this test's simulator.
 */
class KafkaOutageIT {

    private static final Duration OUTAGE = Duration.parse(E2e.env("LABFLEET_E2E_KAFKA_OUTAGE", "PT60S"));
    private static final int PORT_SHIFT = 20; // 18101..18103: beside the suite's and DependencyOutageIT's processes
    private static final String SCHEMA = "e2e_kafka_outage";
    private static final List<String> SERVICE_NAMES = List.of("gateway", "project", "topology");

    private static Gns3Simulator simulator;
    private static KafkaBroker kafka;
    private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private static String serverId;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory(E2e.root().resolve("e2e-tests/target"), "kafka-outage-");
        kafka = new KafkaBroker(dir);
        kafka.start();
        // the topics exist before any consumer subscribes (a consumer notices a new topic only minutes later)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap()))) {
            admin.createTopics(List.of("gns3.events", "lab.projects", "lab.topology").stream()
                    .map(t -> new NewTopic(t, 3, (short) 1)).toList()).all().get();
        }
        simulator = Gns3Simulator.start();
        for (String service : SERVICE_NAMES) {
            psql(service, "drop schema if exists " + SCHEMA + " cascade; create schema " + SCHEMA);
        }
        String gatewayUrl = "http://127.0.0.1:" + port("gateway");
        for (E2e.Service s : E2e.SERVICES.subList(0, 3)) { // gateway, project, topology
            services.put(s.shortName(), new ServiceProcess(s.module(), s.shortName(), s.port() + PORT_SHIFT, Map.of(
                    // unknown URI parameters reach PostgreSQL as session settings: every table lives in SCHEMA
                    "DB_URL", database(s.shortName()) + "?search_path=" + SCHEMA,
                    // JDBC (Flyway's connection) knows no search_path parameter: the migrations are told the schema
                    "QUARKUS_FLYWAY_SCHEMAS", SCHEMA,
                    "QUARKUS_FLYWAY_DEFAULT_SCHEMA", SCHEMA,
                    "KAFKA_BOOTSTRAP", kafka.bootstrap(),
                    "LABFLEET_GNS3_URL", simulator.baseUrl(),
                    "LABFLEET_GATEWAY_URL", gatewayUrl,
                    "LABFLEET_PROJECT_URL", "http://127.0.0.1:" + port("project"),
                    // longer than the outage: a stale list can only be cleared by gns3.events
                    "LABFLEET_TOPOLOGY_CACHE_TOPOLOGY_TTL", "30m",
                    "LABFLEET_TOPOLOGY_CACHE_KEY_PREFIX", "labfleet:topology:e2e-kafka-outage:" + UUID.randomUUID() + ":"))
                    .start());
        }
        for (ServiceProcess service : services.values()) {
            service.awaitReady(Duration.ofSeconds(Long.parseLong(E2e.env("LABFLEET_E2E_START_SECONDS", "180"))));
        }
        serverId = await("the simulator registered by the gateway").atMost(Duration.ofSeconds(180))
                .until(() -> gateway().when().get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getString("items.find { it.url == '" + simulator.baseUrl() + "' }.id"),
                        id -> id != null);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess service : services.values()) {
            service.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        for (String service : SERVICE_NAMES) {
            psql(service, "drop schema if exists " + SCHEMA + " cascade");
        }
    }

    private static String database(String service) {
        return "postgresql://127.0.0.1:" + E2e.env("PG_PORT", "5432") + "/labfleet_" + service + "_test" + E2e.DB_SUFFIX;
    }

    /** One statement as the service's own database user, with psql (scripts/infra.sh needs it as well). */
    private static void psql(String service, String sql) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("psql", "-v", "ON_ERROR_STOP=1", "-q", "-h", "127.0.0.1",
                "-p", E2e.env("PG_PORT", "5432"), "-U", "labfleet_" + service,
                "-d", "labfleet_" + service + "_test" + E2e.DB_SUFFIX, "-c", sql).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", E2e.env("LABFLEET_DB_PASSWORD", "labfleet"));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("psql on labfleet_" + service + ": " + output);
        }
    }

    @Test
    void afterAKafkaOutageLabStatusesAndCachedTopologiesMatchGns3WithoutARestart() throws Exception {
        String changed = createLab("outage-nodes");
        String closed = createLab("outage-closed");
        String pc1 = simulatorNode(changed, "PC1");
        // topology-service has the lab's nodes cached (read twice: the second read is served from Redis)
        await("PC1 listed by topology-service").atMost(Duration.ofSeconds(120))
                .until(() -> nodeNames(changed).contains("PC1"));
        assertThat(nodeNames(changed)).containsExactly("PC1");
        assertThat(labStatus(closed)).isEqualTo("opened");

        kafka.stop();
        // GNS3 changes while Kafka is away (its GUI, a script): the notifications flow and cannot be delivered
        simulatorNode(changed, "PC2");
        given().baseUri(simulator.baseUrl()).when().post("/v2/projects/" + closed + "/close")
                .then().statusCode(org.hamcrest.Matchers.lessThan(300));
        // the outage lasts OUTAGE, every service process staying up (readiness without Kafka: DependencyOutageIT)
        await("every service alive while Kafka is away").during(OUTAGE).atMost(OUTAGE.plusSeconds(30))
                .pollInterval(Duration.ofSeconds(5))
                .until(() -> services.values().stream().allMatch(ServiceProcess::isAlive));
        kafka.start();

        await("project-service: the lab closed on GNS3 during the outage").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1)).until(() -> "closed".equals(labStatus(closed)));
        await("topology-service: the node created on GNS3 during the outage").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(1)).until(() -> nodeNames(changed).contains("PC2"));
        assertThat(nodeNames(changed)).containsExactlyInAnyOrder("PC1", "PC2");
        assertThat(services.values()).allMatch(ServiceProcess::isAlive);
    }

    private static String createLab(String prefix) {
        return given().baseUri(services.get("project").baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("name", prefix + "-" + UUID.randomUUID(), "serverId", serverId))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
    }

    private static String simulatorNode(String projectId, String name) {
        return given().baseUri(simulator.baseUrl()).contentType(ContentType.JSON)
                .body(Map.of("name", name, "node_type", "vpcs", "compute_id", "local"))
                .when().post("/v2/projects/" + projectId + "/nodes").then().statusCode(201).extract().path("node_id");
    }

    private static String labStatus(String projectId) {
        return given().baseUri(services.get("project").baseUrl()).when().get("/api/v1/projects/" + projectId)
                .then().statusCode(200).extract().path("status");
    }

    private static List<String> nodeNames(String projectId) {
        return given().baseUri(services.get("topology").baseUrl()).when().get("/api/v1/projects/" + projectId + "/nodes")
                .then().statusCode(200).extract().jsonPath().getList("name", String.class);
    }

    private static RequestSpecification gateway() {
        return given().baseUri(services.get("gateway").baseUrl()).contentType(ContentType.JSON);
    }

    private static int port(String shortName) {
        return E2e.SERVICES.stream().filter(s -> s.shortName().equals(shortName)).findFirst().orElseThrow().port()
                + PORT_SHIFT;
    }
}
