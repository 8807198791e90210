package dev.labfleet.topology.service;

import dev.labfleet.common.testing.TcpProxy;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * topology-service with its production offset reset, consuming a gns3.events topic of this run's own that does not
 * exist yet when it starts (the test creates it: a partition the group has no committed offset for), reaching Redis
 * through a proxy the test can cut, and with cached lists that outlive the test (only an invalidation clears them).
 * The other tests' {@code %test} profile reads gns3.events from its end with a group per run (a new group replaying
 * the shared topic at every start would cost each run all of its history); this profile takes the offset reset that
 * production runs with, read from application.properties, so that the test fails if production's value would lose
 * the change.
 */
public class CacheConvergenceProfile implements QuarkusTestProfile {

    static final String TOPIC = "gns3.events.test-" + UUID.randomUUID();
    static final TcpProxy REDIS;
    static final String OFFSET_RESET_KEY = "mp.messaging.incoming.gns3-events.auto.offset.reset";
    /** The offset reset production runs with (application.properties without a profile). */
    static final String PRODUCTION_OFFSET_RESET = productionValue(OFFSET_RESET_KEY);

    static {
        try {
            REDIS = new TcpProxy(Integer.parseInt(System.getenv().getOrDefault("REDIS_PORT", "6379")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.redis.hosts", "redis://127.0.0.1:" + REDIS.port(),
                "labfleet.topology.cache.topology-ttl", "30m",
                "labfleet.topology.cache.invalidation-max-backoff", "500ms",
                "mp.messaging.incoming.gns3-events.topic", TOPIC,
                // profiled keys, so that they win over application.properties' %test ones whatever the sources' order
                "%test.mp.messaging.incoming.gns3-events.group.id", "topology-service-test-" + UUID.randomUUID(),
                "%test." + OFFSET_RESET_KEY, PRODUCTION_OFFSET_RESET,
                // the consumer's subscription must not create the topic (the broker would, at its start): the test does
                "mp.messaging.incoming.gns3-events.allow.auto.create.topics", "false",
                // the consumer notices the topic a few seconds after the test creates it
                "mp.messaging.incoming.gns3-events.metadata.max.age.ms", "3000");
    }

    private static String productionValue(String key) {
        Properties properties = new Properties();
        try (InputStream in = CacheConvergenceProfile.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in == null) {
                throw new IllegalStateException("application.properties is not on the class path");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String value = properties.getProperty(key);
        if (value == null) {
            throw new IllegalStateException(key + " is not set in application.properties");
        }
        return value.trim();
    }
}
