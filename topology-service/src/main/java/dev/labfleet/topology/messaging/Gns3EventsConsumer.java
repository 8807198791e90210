package dev.labfleet.topology.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.topology.service.TopologyCache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import io.smallrye.mutiny.Multi;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

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

    private final TopologyCache cache;

    public Gns3EventsConsumer(TopologyCache cache) {
        this.cache = cache;
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
        return Multi.createFrom().iterable(changed).onItem().transformToUniAndMerge(cache::invalidate)
                .collect().last().replaceWithVoid();
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
