package dev.labfleet.topology.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
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

    public LabProjectsConsumer(LinkSuspensions suspensions) {
        this.suspensions = suspensions;
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
        return suspensions.restore(projectId, event.type())
                // a gateway or GNS3 hiccup: a few tries, spaced; then the lab stays as GNS3 has it (drift shows it)
                .onFailure(e -> !isNotFound(e)).retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(5))
                .atMost(3)
                .onFailure().invoke(e -> {
                    if (isNotFound(e)) {
                        LOG.debugf("lab %s is not known here: no links to suspend again", projectId);
                    } else {
                        LOG.warnf("lab %s: suspended links could not be suspended again after %s: %s", projectId,
                                event.type(), e.getMessage());
                    }
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private static boolean isNotFound(Throwable e) {
        return e instanceof dev.labfleet.common.problem.ProblemException p && p.problem().status() == 404;
    }
}
