package dev.labfleet.project.messaging;

import dev.labfleet.common.testing.TestTopics;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Events written through the outbox reach the real Kafka, in order per key; rolled-back ones never do. */
@QuarkusTest
class OutboxRelayTest {

    private static final String INSERT = "insert into outbox_event (event_id, topic, record_key, type, payload, "
            + "created_at, attempts) values ($1, $2, $3, 'lab.test.numbered', $4, now(), 0)";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    Pool db;

    /**
     * A transaction takes the lower {@code seq} but commits after a later transaction of the same key: its event
     * must still leave first, so the later one waits (unpublished) until the earlier transaction ends.
     */
    @Test
    void anEventCommittedLateStillLeavesBeforeALaterOneOfItsKey() {
        String topic = "test.outbox." + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        CloudEvent early = numbered(key, -1);
        SqlConnection connection = db.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            Transaction tx = connection.begin().await().atMost(Duration.ofSeconds(10));
            connection.preparedQuery(INSERT).execute(Tuple.of(early.id(), topic, key, CloudEventCodec.toJson(early)))
                    .await().atMost(Duration.ofSeconds(10));
            given().queryParam("topic", topic).queryParam("key", key).queryParam("count", 1)
                    .when().post("/test/outbox").then().statusCode(200);

            // the relay runs every 200 ms in tests: for two seconds the later (committed) event must not leave
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> unpublished(topic) == 1);
            tx.commit().await().atMost(Duration.ofSeconds(10));
        } finally {
            connection.close().await().atMost(Duration.ofSeconds(10));
        }

        List<ConsumerRecord<String, byte[]>> records = consume(topic, 2);

        assertThat(records.stream().map(r -> CloudEventCodec.fromBytes(r.value()).data().get("n").asInt()).toList())
                .containsExactly(-1, 0);
    }

    /**
     * A record Kafka refuses for good (over the producer's 1 MiB request size) holds back the later events of its own
     * key only: another key's event in the same batch is published.
     */
    @Test
    void aKeyThatCannotBeSentDoesNotHoldBackOtherKeys() {
        String topic = "test.outbox." + UUID.randomUUID();
        String stuck = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        CloudEvent huge = CloudEvent.of(URI.create("/labfleet/project-service"), "lab.test.numbered", stuck,
                JsonNodeFactory.instance.objectNode().put("n", 0).put("padding", "x".repeat(2 * 1024 * 1024)));
        CloudEvent small = numbered(other, 1);
        SqlConnection connection = db.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            Transaction tx = connection.begin().await().atMost(Duration.ofSeconds(10));
            connection.preparedQuery(INSERT).execute(Tuple.of(huge.id(), topic, stuck, CloudEventCodec.toJson(huge)))
                    .await().atMost(Duration.ofSeconds(10));
            connection.preparedQuery(INSERT).execute(Tuple.of(small.id(), topic, other, CloudEventCodec.toJson(small)))
                    .await().atMost(Duration.ofSeconds(10));
            tx.commit().await().atMost(Duration.ofSeconds(10));

            List<ConsumerRecord<String, byte[]>> records = consume(topic, 1);

            assertThat(records).extracting(ConsumerRecord::key).containsExactly(other);
            assertThat(unpublished(topic)).isEqualTo(1);
        } finally {
            // the refused row would be retried by every later run on this database
            connection.preparedQuery("delete from outbox_event where topic = $1").execute(Tuple.of(topic))
                    .await().atMost(Duration.ofSeconds(10));
            connection.close().await().atMost(Duration.ofSeconds(10));
        }
    }

    private long unpublished(String topic) {
        return db.preparedQuery("select count(*) from outbox_event where topic = $1 and published_at is null")
                .execute(Tuple.of(topic)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
    }

    private static CloudEvent numbered(String key, int n) {
        return CloudEvent.of(URI.create("/labfleet/project-service"), "lab.test.numbered", key,
                JsonNodeFactory.instance.objectNode().put("n", n));
    }

    @Test
    void committedEventsArriveInOrderWithKeyAndCloudEventsHeader() {
        String topic = "test.outbox." + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        given().queryParam("topic", topic).queryParam("key", key).queryParam("count", 25)
                .when().post("/test/outbox").then().statusCode(200);

        List<ConsumerRecord<String, byte[]>> records = consume(topic, 25);

        assertThat(records).allSatisfy(r -> {
            assertThat(r.key()).isEqualTo(key);
            assertThat(new String(r.headers().lastHeader("content-type").value(), StandardCharsets.UTF_8))
                    .startsWith("application/cloudevents+json");
        });
        assertThat(records.stream().map(r -> CloudEventCodec.fromBytes(r.value())).map(CloudEvent::data)
                .map(d -> d.get("n").asInt()).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 25).boxed().toList());
    }

    @Test
    void rolledBackTransactionPublishesNothing() {
        String topic = "test.outbox." + UUID.randomUUID();
        String key = UUID.randomUUID().toString();
        given().queryParam("topic", topic).queryParam("key", key).queryParam("count", 3).queryParam("fail", true)
                .when().post("/test/outbox").then().statusCode(500);
        given().queryParam("topic", topic).queryParam("key", key).queryParam("count", 1)
                .when().post("/test/outbox").then().statusCode(200);

        List<ConsumerRecord<String, byte[]>> records = consume(topic, 1);

        assertThat(records).hasSize(1);
    }

    /** Reads until {@code expected} records arrived, then a little longer to catch any extra. */
    private List<ConsumerRecord<String, byte[]>> consume(String topic, int expected) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TestTopics.of(topic)));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
