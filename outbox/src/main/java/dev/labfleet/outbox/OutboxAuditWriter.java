package dev.labfleet.outbox;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.support.guard.AuditOutbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Audit events of successful changes go through the outbox (common-api's guard calls this once the answer is
 * sent): a Kafka outage then delays them like every other event of the service instead of losing them. The row is
 * written in a transaction of its own, on a fresh duplicated Vert.x context (the request's is finished).
 */
@ApplicationScoped
public class OutboxAuditWriter implements AuditOutbox {

    private final Outbox outbox;
    private final Vertx vertx;

    public OutboxAuditWriter(Outbox outbox, Vertx vertx) {
        this.outbox = outbox;
        this.vertx = vertx;
    }

    @Override
    public Uni<Void> append(String topic, String key, CloudEvent event) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().<Void>emitter(emitter -> context.runOnContext(ignored ->
                Panache.withTransaction(() -> outbox.append(topic, key, event))
                        .subscribe().with(emitter::complete, emitter::fail)));
    }
}
