package dev.labfleet.common.testing;

import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The Kafka topic a test really reads or writes for one of the suite's topics ({@code gns3.events},
 * {@code lab.projects}, ...): {@code <labfleet.kafka.topic-prefix><topic>}. A service whose test profile sets a prefix
 * ({@code test.}) consumes and publishes on topics of the tests' own, never the running suite's, so its tests must
 * produce and read there too. Without a prefix (or outside a Quarkus test) the name is unchanged.
 */
public final class TestTopics {

    /** The configuration key, shared with the outbox relay and the services' channel configuration. */
    public static final String PREFIX_PROPERTY = "labfleet.kafka.topic-prefix";

    private TestTopics() {
    }

    /**
     * The prefix of this test run's service ("" when it has none). Outside a service's tests (the e2e suite, whose
     * services run as processes with their production topics) MicroProfile Config is not on the class path at all.
     */
    public static String prefix() {
        if (!CONFIG_PRESENT) {
            return "";
        }
        try {
            return ConfigProvider.getConfig().getOptionalValue(PREFIX_PROPERTY, String.class).orElse("");
        } catch (IllegalStateException noConfig) {
            return "";
        }
    }

    private static final boolean CONFIG_PRESENT = present("org.eclipse.microprofile.config.ConfigProvider");

    private static boolean present(String className) {
        try {
            Class.forName(className, false, TestTopics.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** {@code topic} as this test run's service uses it. */
    public static String of(String topic) {
        return prefix() + topic;
    }
}
