package dev.labfleet.topology.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.support.messaging.ApplyUntilDone;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.service.TopologyCache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.Multi;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/**
 * Clears a project's cached topology when GNS3 reports a change to it (node, link or project notifications, and the
 * gateway's resyncs), so that labs changed outside Labfleet (the GNS3 GUI) read fresh. Records are keyed by GNS3
 * project id.
 */
@ApplicationScoped
public class Gns3EventsConsumer {

    private static final Logger LOG = Logger.getLogger(Gns3EventsConsumer.class);

    private final TopologyCache cache;
    private final ApplyUntilDone retry;

    public Gns3EventsConsumer(TopologyCache cache, TopologyConfig config) {
        this.cache = cache;
        TopologyConfig.Cache c = config.cache();
        // past the TTL every list cached before the change has expired: retrying longer would change nothing
        Duration giveUp = c.invalidationGiveUpAfter().compareTo(c.topologyTtl()) < 0
                ? c.invalidationGiveUpAfter() : c.topologyTtl();
        Duration maxBackoff = c.invalidationMaxBackoff();
        Duration first = Duration.ofMillis(Math.min(100, maxBackoff.toMillis()));
        this.retry = new ApplyUntilDone(first, maxBackoff, giveUp);
    }

    /**
     * A poll's worth of records at once: each project they change is invalidated once, however many of its nodes and
     * links changed (a thousand-node apply makes thousands of notifications, and one bump of the project's cache
     * generation covers them all).
     */
    @Incoming("gns3-events")
    public Uni<Void> consume(ConsumerRecords<String, CloudEvent> records) {
        Set<UUID> changed = new LinkedHashSet<>();
        for (ConsumerRecord<String, CloudEvent> record : records) {
            CloudEvent event = record.value();
            if (event != null && changesTopology(event.type())) {
                UUID projectId = projectId(record.key(), event);
                if (projectId != null) {
                    changed.add(projectId);
                }
            }
        }
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Redis refusing (away, failing over) is waited out with the poll unacknowledged: a change acknowledged
        // without its invalidation would leave the list cached before it to be served again once Redis is back
        return retry.apply("topology cache: invalidation of " + changed.size() + " project(s) from gns3.events",
                () -> Multi.createFrom().iterable(changed).onItem().transformToUniAndMerge(cache::invalidateOrFail)
                        .collect().last().replaceWithVoid())
                // given up after min(give-up-after, topology-ttl): a list cached before the change ends with its TTL
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("topology cache: %d project(s) left to their cache TTL (%s)", changed.size(), e.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private static boolean changesTopology(String type) {
        return type != null && (type.startsWith(EventTypes.GNS3_PREFIX + "node.")
                || type.startsWith(EventTypes.GNS3_PREFIX + "link.")
                || type.startsWith(EventTypes.GNS3_PREFIX + "project."));
    }

    /** The record key; else the project id in the event's data or its subject. */
    private static UUID projectId(String key, CloudEvent event) {
        UUID id = uuid(key);
        if (id == null && event.data() != null) {
            JsonNode data = event.data();
            id = uuid(data.path("project_id").asText(data.path("project").path("project_id").asText(null)));
        }
        return id != null ? id : uuid(event.subject());
    }

    private static UUID uuid(String text) {
        try {
            return text == null ? null : UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
