package dev.labfleet.project.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.project.domain.Project;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * Remembers each lab's node start priorities from the spec last applied to it (topology-service's
 * {@code lab.topology.applied}), so that a staggered start without explicit priorities follows the spec's order:
 * infrastructure first, hosts last.
 */
@ApplicationScoped
public class LabTopologyConsumer {

    private static final Logger LOG = Logger.getLogger(LabTopologyConsumer.class);

    private final ConsumerRetry retry;

    public LabTopologyConsumer(ConsumerRetry retry) {
        this.retry = retry;
    }

    @Incoming("lab-topology")
    public Uni<Void> consume(CloudEvent event) {
        if (event == null || !EventTypes.LAB_TOPOLOGY_APPLIED.equals(event.type()) || event.data() == null) {
            return Uni.createFrom().voidItem();
        }
        JsonNode priorities = event.data().get("priorities");
        UUID projectId;
        try {
            projectId = UUID.fromString(event.data().path("projectId").asText());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().voidItem();
        }
        String stored = priorities == null || !priorities.isObject() || priorities.isEmpty() ? null : priorities.toString();
        // retried on a fresh read when it races a REST write of the same row, and in place while the database is
        // away (acknowledged only once recorded); setting the same priorities again is harmless, so no deduplication
        return retry.untilApplied("lab " + projectId + ": start priorities", () -> Panache.withTransaction(() -> Project.<Project>findById(projectId).invoke(project -> {
            if (project != null) {
                project.startPriorities = stored;
                LOG.debugf("lab %s: start priorities of %d node(s) from its applied spec", projectId,
                        priorities == null ? 0 : priorities.size());
            } else {
                LOG.debugf("lab %s: applied spec for a lab this service does not have", projectId);
            }
        })).replaceWithVoid());
    }
}
