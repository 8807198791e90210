package dev.labfleet.search.security;

import dev.labfleet.common.event.CloudEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/** Indexes {@code lab.audit} (a poll at a time; the offsets are committed once the batch is in PostgreSQL). */
@ApplicationScoped
public class AuditConsumer {

    private static final Logger LOG = Logger.getLogger(AuditConsumer.class);

    private final AuditIndex index;

    public AuditConsumer(AuditIndex index) {
        this.index = index;
    }

    @Incoming("lab-audit-in")
    public Uni<Void> audit(List<CloudEvent> events) {
        // a batch that cannot be stored after a few tries is skipped (logged): one bad batch must not stop the channel
        return index.record(events)
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(2)).atMost(5)
                .onFailure().invoke(e -> LOG.warnf("audit batch of %d event(s) not indexed: %s", events.size(), e.toString()))
                .onFailure().recoverWithNull();
    }
}
