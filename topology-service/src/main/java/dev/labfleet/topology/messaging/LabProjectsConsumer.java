package dev.labfleet.topology.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.support.messaging.ApplyUntilDone;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.service.LinkSuspensions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.UUID;

/**
 * project-service's lab events: after a lab is opened or a snapshot restored, its suspended links are suspended
 * again ({@link LinkSuspensions}). One replica handles each event (one consumer group per service). A lab this
 * service cannot read (deleted meanwhile, or another suite's on a shared Kafka) is skipped.
 */
@ApplicationScoped
public class LabProjectsConsumer {

    private static final Logger LOG = Logger.getLogger(LabProjectsConsumer.class);

    private final LinkSuspensions suspensions;
    private final ApplyUntilDone retry;

    public LabProjectsConsumer(LinkSuspensions suspensions, TopologyConfig config) {
        this.suspensions = suspensions;
        Duration maxBackoff = config.labEvents().maxBackoff();
        this.retry = new ApplyUntilDone(Duration.ofMillis(Math.min(1000, maxBackoff.toMillis())), maxBackoff,
                config.labEvents().giveUpAfter());
    }

    @Incoming("lab-projects")
    public Uni<Void> consume(ConsumerRecord<String, CloudEvent> record) {
        CloudEvent event = record.value();
        UUID projectId;
        try {
            projectId = UUID.fromString(record.key());
        } catch (IllegalArgumentException | NullPointerException e) {
            return Uni.createFrom().voidItem();
        }
        if (event != null && EventTypes.LAB_PROJECT_DELETED.equals(event.type())) {
            return suspensions.forget(projectId).onFailure().recoverWithNull().replaceWithVoid();
        }
        if (event == null || !(EventTypes.LAB_PROJECT_OPENED.equals(event.type())
                || EventTypes.LAB_SNAPSHOT_RESTORED.equals(event.type()))) {
            return Uni.createFrom().voidItem();
        }
        // a gateway or GNS3 away: retried in place, the partition waiting (ApplyUntilDone), then the event goes to
        // this channel's dead-letter topic (failure-strategy) instead of being acknowledged and lost; a lab unknown
        // here (404) has no links to suspend again and is acknowledged at once
        return retry.apply("lab " + projectId + ": suspend links again after " + event.type(),
                () -> suspensions.restore(projectId, event.type()).replaceWithVoid()
                        .onFailure(LabProjectsConsumer::isNotFound).recoverWithUni(e -> {
                            LOG.debugf("lab %s is not known here: no links to suspend again", projectId);
                            return Uni.createFrom().voidItem();
                        }));
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof dev.labfleet.common.problem.ProblemException p && p.problem().status() == 404;
    }
}
