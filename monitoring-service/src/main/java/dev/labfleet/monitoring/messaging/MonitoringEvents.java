package dev.labfleet.monitoring.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.net.URI;

/**
 * {@code lab.monitoring} events. Domain events (switches, anomalies, healing incidents) go through the outbox, in
 * the transaction of their change; telemetry (traffic samples, health scores) goes straight to Kafka and may be lost
 * (the next sample replaces it). Every replica reads the topic back ({@link MonitoringEventsConsumer}) to feed its
 * streams, the leader included.
 */
@ApplicationScoped
public class MonitoringEvents {

    public static final String TRAFFIC_SAMPLED = "lab.monitoring.traffic-sampled";
    public static final String ACTIVE_LAB_SWITCHED = "lab.monitoring.active-lab-switched";
    public static final String LAB_HEALTH = "lab.monitoring.lab-health";
    public static final String ANOMALY_OPENED = "lab.monitoring.anomaly-opened";
    public static final String ANOMALY_UPDATED = "lab.monitoring.anomaly-updated";
    public static final String INCIDENT_RECORDED = "lab.monitoring.incident-recorded";

    private static final Logger LOG = Logger.getLogger(MonitoringEvents.class);

    private final Outbox outbox;
    private final MutinyEmitter<CloudEvent> telemetry;
    private final URI source;

    public MonitoringEvents(Outbox outbox, @Channel("monitoring-telemetry") MutinyEmitter<CloudEvent> telemetry,
                            FleetModel model) {
        this.outbox = outbox;
        this.telemetry = telemetry;
        this.source = URI.create("/labfleet/monitoring-service/" + model.epoch());
    }

    /** A domain event: call inside the transaction of the change. */
    public Uni<Void> append(String type, String projectId, Object data) {
        JsonNode json = CloudEventCodec.mapper().valueToTree(data);
        return outbox.append(Topics.LAB_MONITORING, projectId, CloudEvent.of(source, type, projectId, json));
    }

    /** Telemetry: fire and forget. */
    public void telemetry(String type, String projectId, Object data) {
        JsonNode json = CloudEventCodec.mapper().valueToTree(data);
        CloudEvent event = CloudEvent.of(source, type, projectId, json);
        telemetry.sendMessage(Message.of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(projectId).build()))
                .subscribe().with(ok -> { }, e -> LOG.debugf("telemetry %s not sent: %s", type, e.getMessage()));
    }
}
