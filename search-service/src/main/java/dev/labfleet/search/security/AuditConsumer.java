package dev.labfleet.search.security;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.support.messaging.ApplyUntilDone;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.util.List;

/** Indexes {@code lab.audit} (a poll at a time; the offsets are committed once the batch is in PostgreSQL). */
@ApplicationScoped
public class AuditConsumer {

    private final AuditIndex index;
    private final ApplyUntilDone retry;

    public AuditConsumer(AuditIndex index, SearchConfig config) {
        this.index = index;
        SearchConfig.Consumers consumers = config.consumers();
        this.retry = new ApplyUntilDone(consumers.firstBackoff(), consumers.maxBackoff(), consumers.giveUpAfter());
    }

    @Incoming("lab-audit-in")
    public Uni<Void> audit(List<CloudEvent> events) {
        // a batch the index cannot take (the database away) is retried in place, unacknowledged, then its records go
        // to this channel's dead-letter topic: an audit record is never acknowledged and dropped (recording is
        // idempotent by event id, so a batch stored twice stays one row each)
        return retry.apply("audit index: a batch of " + events.size() + " event(s)", () -> index.record(events));
    }
}
