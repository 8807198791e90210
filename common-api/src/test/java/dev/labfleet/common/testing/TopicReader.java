package dev.labfleet.common.testing;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Tests' view of a topic: the CloudEvents of one key, read until the test has what it needs. Every event read is held
 * to the event contract ({@link EventContract}): one that breaks it fails the test.
 *
 * <p>Events are keyed by project id, so all of a key's events sit in the partition Kafka's default partitioner picks
 * for it (murmur2 of the key's bytes): only that partition is read, without a consumer group (no join, no
 * rebalance), from the first record of the last {@link #WINDOW} (keys are fresh per test: nothing of theirs is older).
 * A topic that a machine's earlier runs filled is so never read from its beginning.
 */
public final class TopicReader {

    /** How far back a key's first event can be: longer than any test class runs. */
    static final Duration WINDOW = Duration.ofHours(2);

    private TopicReader() {
    }

    /** The partition Kafka's default partitioner gives a keyed record. */
    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /**
     * @param complete when to stop reading: what has been read so far, in order
     * @return the events of {@code key}, in order
     */
    public static List<CloudEvent> events(String bootstrap, String topic, String key, Duration atMost,
                                          Predicate<List<CloudEvent>> complete) {
        List<CloudEvent> events = new ArrayList<>();
        // the topic as this run's service uses it (a test prefix of its own, TestTopics); the contract is the topic's
        String name = TestTopics.of(topic);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            boolean[] assigned = {false};
            // a metadata or offset lookup that times out (a broker slow to answer on a loaded machine) is asked again
            await(topic + " events of " + key).atMost(atMost)
                    .ignoreExceptionsInstanceOf(org.apache.kafka.common.errors.RetriableException.class).until(() -> {
                if (!assigned[0]) {
                    List<PartitionInfo> partitions = consumer.partitionsFor(name, Duration.ofSeconds(5));
                    if (partitions == null || partitions.isEmpty()) {
                        return false; // not created yet: nothing published to it so far
                    }
                    TopicPartition partition = new TopicPartition(name, partitionOf(key, partitions.size()));
                    consumer.assign(List.of(partition));
                    long since = System.currentTimeMillis() - WINDOW.toMillis();
                    OffsetAndTimestamp first = consumer.offsetsForTimes(Map.of(partition, since), Duration.ofSeconds(10))
                            .get(partition);
                    if (first == null) {
                        // nothing of the window yet: ask again (seeking to the end now could skip a record appended
                        // meanwhile)
                        consumer.unsubscribe();
                        return complete.test(events);
                    }
                    consumer.seek(partition, first.offset());
                    assigned[0] = true;
                }
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
