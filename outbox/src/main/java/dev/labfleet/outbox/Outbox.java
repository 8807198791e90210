package dev.labfleet.outbox;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Appends domain events to the outbox. Call it inside the transaction that makes the change
 * ({@code @WithTransaction}): the change and its event commit together or not at all; {@link OutboxRelay}
 * publishes them afterwards, in order.
 */
@ApplicationScoped
public class Outbox {

    public Uni<Void> append(String topic, String key, CloudEvent event) {
        OutboxEvent row = new OutboxEvent();
        row.eventId = event.id();
        row.topic = topic;
        row.recordKey = key;
        row.type = event.type();
        row.payload = CloudEventCodec.toJson(event);
        row.createdAt = OffsetDateTime.now(ZoneOffset.UTC);
        return row.persist().replaceWithVoid();
    }
}
