package dev.labfleet.project.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How project-service's Kafka consumers retry an event they could not apply (the database away, a lost race):
 * in place, with backoff, so the partition keeps its order; only after {@link #giveUpAfter()} does the event go to
 * the channel's dead-letter topic (never acknowledged and dropped).
 */
@ConfigMapping(prefix = "labfleet.project.consumers")
public interface EventConsumerConfig {

    /** First pause between attempts. */
    @WithDefault("50ms")
    Duration firstBackoff();

    /** Longest pause between attempts. */
    @WithDefault("10s")
    Duration maxBackoff();

    /**
     * How long an event is retried before it goes to the dead-letter topic.
     */
    @WithDefault("5m")
    Duration giveUpAfter();
}
