package dev.labfleet.common.testing;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Tests' view of a topic: the CloudEvents of one key, from the beginning, read until the test has what it needs. Every
 * event read is held to the event contract ({@link EventContract}): one that breaks it fails the test.
 */
public final class TopicReader {

    private TopicReader() {
    }

    /**
     * @param complete when to stop reading: what has been read so far, in order
     * @return the events of {@code key}, in order
     */
    public static List<CloudEvent> events(String bootstrap, String topic, String key, Duration atMost,
                                          Predicate<List<CloudEvent>> complete) {
        List<CloudEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            // the topic as this run's service uses it (a test prefix of its own, TestTopics); the contract is the topic's
            consumer.subscribe(List.of(TestTopics.of(topic)));
            await(topic + " events of " + key).atMost(atMost).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        EventContract.assertValid(topic, r.key(), r.value());
                        events.add(CloudEventCodec.fromBytes(r.value()));
                    }
                }
                return complete.test(events);
            });
        }
        return events;
    }
}
