package dev.labfleet.project.messaging;

import dev.labfleet.common.testing.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs project-service against a Kafka broker of its own, which the test may stop and start again. */
public class KafkaOutageProfile implements QuarkusTestProfile {

    static KafkaBroker broker;

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(DedicatedKafka.class));
    }

    public static class DedicatedKafka implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                Path dir = Files.createTempDirectory(Path.of("target"), "kafka-outage-");
                broker = new KafkaBroker(dir.toAbsolutePath()).start();
            } catch (Exception e) {
                throw new IllegalStateException("dedicated Kafka did not start", e);
            }
            return Map.of("kafka.bootstrap.servers", broker.bootstrap());
        }

        @Override
        public void stop() {
            try {
                broker.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
