package dev.labfleet.search.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.TestTopics;
import io.restassured.RestAssured;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * Publishes events on the real Kafka topics in the shapes their producers use: project-service's lab view on
 * {@code lab.projects}, topology-service's node and link views on {@code lab.topology}, and GNS3 notifications as the
 * gateway bridges them on {@code gns3.events} (source {@code urn:labfleet:gns3-server:<id>}, GNS3's own JSON). The
 * topics are the tests' own ({@link TestTopics}), where this run's search-service reads.
 */
public final class Events {

    public static final UUID SERVER_ID = UUID.fromString("5e4e0000-0000-4000-8000-000000000013");
    private static KafkaProducer<String, byte[]> producer;
    private static volatile boolean ready;

    private Events() {
    }

    private static final Object PRODUCER_LOCK = new Object();
    private static final Object READY_LOCK = new Object();

    private static KafkaProducer<String, byte[]> producer() {
        synchronized (PRODUCER_LOCK) {
            return producerLocked();
        }
    }

    private static KafkaProducer<String, byte[]> producerLocked() {
        if (producer == null) {
            String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0),
                    new StringSerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    /**
     * @param topic one of the suite's topics ({@link Topics}): the record goes where this run's search-service reads it,
     *              the tests' own ({@link TestTopics}), never the running suite's
     */
    public static void send(String topic, String key, CloudEvent event) {
        try {
            producer().send(new ProducerRecord<>(TestTopics.of(topic), key, CloudEventCodec.toBytes(event)))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("not sent to " + topic, e);
        }
    }

    public static CloudEvent event(String source, String type, String subject, JsonNode data, OffsetDateTime time) {
        return new CloudEvent("1.0", UUID.randomUUID().toString(), URI.create(source), type, subject, time,
                "application/json", data);
    }

    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    public static ObjectNode json() {
        return CloudEventCodec.mapper().createObjectNode();
    }

    /** project-service's ProjectView. */
    public static ObjectNode lab(UUID projectId, String name, String status, String... tags) {
        ObjectNode lab = json().put("projectId", projectId.toString()).put("name", name).put("owner", "alice")
                .put("serverId", SERVER_ID.toString()).put("status", status).put("description", "a test lab");
        tags(lab, tags);
        lab.put("createdAt", now().toString()).put("updatedAt", now().toString());
        return lab;
    }

    private static void tags(ObjectNode lab, String... tags) {
        var array = lab.putArray("tags");
        for (String t : tags) {
            array.add(t);
        }
    }

    public static void labEvent(String type, ObjectNode lab, OffsetDateTime time) {
        String id = lab.get("projectId").asText();
        send(Topics.LAB_PROJECTS, id, event("/labfleet/project-service", type, id, lab, time));
    }

    /** GNS3's node object. */
    public static ObjectNode gns3Node(UUID projectId, UUID nodeId, String name, String nodeType, String status) {
        return json().put("node_id", nodeId.toString()).put("project_id", projectId.toString()).put("name", name)
                .put("node_type", nodeType).put("status", status).put("compute_id", "local")
                .put("console", 5000).put("console_type", "telnet").put("console_host", "127.0.0.1");
    }

    public static void gns3(String action, UUID projectId, JsonNode data, OffsetDateTime time) {
        send(Topics.GNS3_EVENTS, projectId.toString(), event("urn:labfleet:gns3-server:" + SERVER_ID, "gns3." + action,
                data.path("node_id").asText(projectId.toString()), data, time));
    }

    public static void topology(String type, UUID projectId, String subject, JsonNode data, OffsetDateTime time) {
        send(Topics.LAB_TOPOLOGY, projectId.toString(), event("/labfleet/topology-service", type, subject, data, time));
    }

    /**
     * Waits until search-service's consumers have their partitions: probes each topic with a document of its own until
     * every one is searchable (a test consumer group starts at the latest offsets, so earlier records are not read).
     */
    public static void awaitConsumersReady() {
        synchronized (READY_LOCK) {
            awaitReady();
        }
    }

    // (Awaitility evaluates conditions on its own thread: the producer has a lock of its own)
    private static void awaitReady() {
        if (ready) {
            return;
        }
        await("consumers assigned").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            String token = "probe" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
            UUID projectId = UUID.randomUUID();
            labEvent("lab.project.created", lab(projectId, token + "lab", "opened"), now());
            gns3("node.created", projectId, gns3Node(projectId, UUID.randomUUID(), token + "gns3", "vpcs", "stopped"), now());
            ObjectNode node = gns3Node(projectId, UUID.randomUUID(), token + "topo", "vpcs", "stopped");
            node.putObject("labels");
            topology("lab.topology.node-created", projectId, node.get("node_id").asText(), node, now());
            send(Topics.LAB_AUTOMATION, projectId.toString(), event("/labfleet/automation-service",
                    "lab.automation.script-created", null, json().put("scriptId", UUID.randomUUID().toString())
                            .put("name", token + "script"), now()));
            send(Topics.LAB_MONITORING, projectId.toString(), event("/labfleet/monitoring-service",
                    "lab.monitoring.anomaly-opened", null, json().put("anomalyId", UUID.randomUUID().toString())
                            .put("title", token + "anomaly").put("severity", "low"), now()));
            try {
                await().atMost(Duration.ofSeconds(4)).until(() -> List.of("lab", "gns3", "topo", "script", "anomaly")
                        .stream().allMatch(s -> hits(token + s) > 0));
                return true;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                return false;
            }
        });
        ready = true;
    }

    /** How many hits a query has (every kind but events). */
    public static int hits(String q) {
        return RestAssured.given().queryParam("q", q).queryParam("facets", "none").get("/api/v1/search")
                .then().statusCode(200).extract().jsonPath().getList("items").size();
    }
}
