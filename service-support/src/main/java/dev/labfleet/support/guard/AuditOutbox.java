package dev.labfleet.support.guard;

import dev.labfleet.common.event.CloudEvent;
import io.smallrye.mutiny.Uni;

/**
 * Where audit events of successful changes go in a service with a transactional outbox (the {@code outbox} module
 * provides it): they are then as durable as the service's own events. Services without one send straight to Kafka.
 */
public interface AuditOutbox {

    /** Appends {@code event} for {@code topic} in a transaction of its own. */
    Uni<Void> append(String topic, String key, CloudEvent event);
}
