package dev.labfleet.project.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

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

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

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
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
