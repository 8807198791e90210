package dev.labfleet.topology.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.topology.service.TopologyCache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

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

    @Incoming("gns3-events")
    public Uni<Void> consume(ConsumerRecord<String, CloudEvent> record) {
        CloudEvent event = record.value();
        if (event == null || !changesTopology(event.type())) {
            return Uni.createFrom().voidItem();
        }
        UUID projectId = projectId(record.key(), event);
        return projectId == null ? Uni.createFrom().voidItem() : cache.invalidate(projectId);
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
