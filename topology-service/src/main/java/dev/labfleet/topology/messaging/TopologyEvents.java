package dev.labfleet.topology.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.UUID;

/**
 * Writes {@code lab.topology.*} events to the outbox, keyed by project id; call inside the transaction that
 * records the change ({@code Panache.withTransaction}), so the record and its event commit together.
 */
@ApplicationScoped
public class TopologyEvents {

    static final URI SOURCE = URI.create("/labfleet/topology-service");

    private final Outbox outbox;

    public TopologyEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /**
     * @param subject the node or link id, or the project id for whole-topology events
     * @param data    any record or tree; serialised with the shared CloudEvents mapper
     */
    public Uni<Void> publish(UUID projectId, String type, String subject, Object data) {
        JsonNode json = data instanceof JsonNode node ? node : CloudEventCodec.mapper().valueToTree(data);
        String key = projectId.toString();
        return outbox.append(Topics.LAB_TOPOLOGY, key, CloudEvent.of(SOURCE, type, subject, json));
    }
}
