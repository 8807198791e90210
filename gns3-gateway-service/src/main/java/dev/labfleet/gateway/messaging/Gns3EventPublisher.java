package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.gateway.client.Gns3Metrics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.UUID;

/**
 * Publishes bridged GNS3 notifications and resync snapshots on {@code gns3.events}, keyed by GNS3 project id (server
 * id when none), and counts what Kafka acknowledged. These are telemetry of GNS3's own state, not Labfleet domain
 * changes, so they go straight to Kafka (no outbox): a send that fails makes the bridge ({@link ServerResync}) resync
 * the server once Kafka acknowledges again.
 */
@ApplicationScoped
public class Gns3EventPublisher {

    private static final Logger LOG = Logger.getLogger(Gns3EventPublisher.class);

    private final MutinyEmitter<CloudEvent> emitter;
    private final Gns3Metrics metrics;

    public Gns3EventPublisher(@Channel("gns3-events") MutinyEmitter<CloudEvent> emitter, Gns3Metrics metrics) {
        this.emitter = emitter;
        this.metrics = metrics;
    }

    /** The CloudEvent source of a GNS3 server's events. */
    public static URI source(UUID serverId) {
        return URI.create("urn:labfleet:gns3-server:" + serverId);
    }

    /**
     * @param key     the GNS3 project id, or null for the server's own notifications (then the server id)
     * @param subject the object the event is about, or null (then the server id: every event has a subject)
     */
    public Uni<Void> publish(UUID serverId, String type, String key, String subject, JsonNode data) {
        CloudEvent event = CloudEvent.of(source(serverId), type, subject == null ? serverId.toString() : subject, data);
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key == null ? serverId.toString() : key).build();
        return emitter.sendMessage(Message.of(event).addMetadata(metadata))
                .invoke(metrics::eventPublished)
                .onFailure().invoke(e -> {
                    metrics.eventFailed();
                    LOG.debugf("gns3.events: %s not acknowledged: %s", type, e.toString());
                });
    }
}
