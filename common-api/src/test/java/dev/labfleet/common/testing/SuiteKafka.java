package dev.labfleet.common.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A test's look at Kafka as a running suite ({@code ./labfleet up}) sees it, for the suite-isolation tests (#17 item 4):
 * what was written to a topic since a moment, and which topics a consumer group holds offsets of or is assigned. It
 * reads without a consumer group and never creates a topic (a topic that does not exist holds none of a test's records).
 */
public final class SuiteKafka {

    private SuiteKafka() {
    }

    /** The end offset of each partition of {@code topic} now (empty when the topic does not exist). */
    public static Map<TopicPartition, Long> ends(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> consumer = reader(bootstrap)) {
            return ends(consumer, topic);
        }
    }

    /** Every record written to {@code topic} after {@code before} (see {@link #ends}), in partition order. */
    public static List<ConsumerRecord<String, byte[]>> since(String bootstrap, String topic,
                                                             Map<TopicPartition, Long> before) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = reader(bootstrap)) {
            Map<TopicPartition, Long> now = ends(consumer, topic);
            if (now.isEmpty()) {
                return records;
            }
            consumer.assign(now.keySet());
            now.keySet().forEach(p -> consumer.seek(p, before.getOrDefault(p, 0L)));
            await(topic + " read to its end").atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add(r);
                }
                return now.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        }
        return records;
    }

    /** The keys of {@link #since}. */
    public static List<String> keysSince(String bootstrap, String topic, Map<TopicPartition, Long> before) {
        return since(bootstrap, topic, before).stream().map(ConsumerRecord::key).toList();
    }

    /** The topics {@code group} holds committed offsets of (none for a group that does not exist). */
    public static Set<String> committedTopics(String bootstrap, String group) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            Set<String> topics = new HashSet<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .keySet().forEach(p -> topics.add(p.topic()));
            return topics;
        }
    }

    /** The topics assigned now to the members of {@code group} (none for a group that does not exist or is empty). */
    public static Set<String> assignedTopics(String bootstrap, String group) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            ConsumerGroupDescription description;
            try {
                description = admin.describeConsumerGroups(List.of(group)).describedGroups().get(group)
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    return Set.of();
                }
                throw e;
            }
            Set<String> topics = new HashSet<>();
            description.members().forEach(m -> m.assignment().topicPartitions().forEach(p -> topics.add(p.topic())));
            return topics;
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    private static KafkaConsumer<String, byte[]> reader(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static Map<TopicPartition, Long> ends(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (infos != null) {
            for (PartitionInfo p : infos) {
                partitions.add(new TopicPartition(topic, p.partition()));
            }
        }
        return partitions.isEmpty() ? Map.of() : new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(10)));
    }
}
