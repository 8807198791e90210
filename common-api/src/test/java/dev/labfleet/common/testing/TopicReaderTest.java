package dev.labfleet.common.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TopicReader reads only the partition it computes for a key: that must be the partition a producer's default
 * partitioner really picks (on the real broker of scripts/infra.sh), or a test would wait for events that are
 * elsewhere.
 */
class TopicReaderTest {

    private static final String BOOTSTRAP = Optional.ofNullable(System.getenv("KAFKA_BOOTSTRAP")).orElse("127.0.0.1:9092");

    @Test
    void aKeysPartitionIsTheOneTheProducerPicks() throws Exception {
        String topic = "test.topic-reader-" + UUID.randomUUID();
        int partitions = 6;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP), new StringSerializer(), new StringSerializer())) {
                int[] seen = new int[partitions];
                for (int i = 0; i < 40; i++) {
                    String key = UUID.randomUUID().toString();
                    RecordMetadata sent = producer.send(new ProducerRecord<>(topic, key, "{}")).get(30, TimeUnit.SECONDS);
                    assertThat(TopicReader.partitionOf(key, partitions)).as("partition of key %s", key)
                            .isEqualTo(sent.partition());
                    seen[sent.partition()]++;
                }
                // the keys really spread: the check above did not pass because everything went to one partition
                assertThat(java.util.Arrays.stream(seen).filter(n -> n > 0).count()).isGreaterThan(2);
            } finally {
                admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
