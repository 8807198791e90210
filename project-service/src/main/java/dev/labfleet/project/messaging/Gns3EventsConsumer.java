package dev.labfleet.project.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Keeps each lab's status in step with its GNS3 server, from the notifications the gateway bridges to
 * {@code gns3.events} (and its resync events after a reconnect). Status changes become {@code lab.project.*} events.
 */
@ApplicationScoped
public class Gns3EventsConsumer {

    private static final Logger LOG = Logger.getLogger(Gns3EventsConsumer.class);

    private final ProjectEvents events;
    private final ConsumerRetry retry;

    public Gns3EventsConsumer(ProjectEvents events, ConsumerRetry retry) {
        this.events = events;
        this.retry = retry;
    }

    @Incoming("gns3-events")
    public Uni<Void> consume(CloudEvent event) {
        if (event == null) {
            return Uni.createFrom().voidItem(); // not a CloudEvent: skipped by the deserializer, nothing to do
        }
        return switch (event.type()) {
            case "gns3.project.opened", "gns3.project.closed", "gns3.project.updated" ->
                    follow(projectJson(event.data()), event);
            case EventTypes.GNS3_PROJECT_RESYNCED -> follow(projectJson(event.data()), event);
            case "gns3.project.deleted" -> markMissing(projectJson(event.data()), event);
            default -> Uni.createFrom().voidItem();
        };
    }

    /** The GNS3 project object: the event's data itself, or its {@code project} member for resync events. */
    private static JsonNode projectJson(JsonNode data) {
        if (data == null) {
            return null;
        }
        return data.has("project") ? data.get("project") : data;
    }

    private Uni<Void> follow(JsonNode project, CloudEvent event) {
        UUID id = projectId(project, event);
        if (id == null || project == null || !project.hasNonNull("status")) {
            return Uni.createFrom().voidItem();
        }
        return transition(id, ProjectStatus.fromGns3(project.get("status").asText()), serverOf(event), event.time());
    }

    private static final String SERVER_SOURCE = "urn:labfleet:gns3-server:";

    /**
     * The GNS3 server an event came from (the gateway's bridge names it in {@code source}), or null. A lab moved
     * between servers exists on both for a while: the copy being imported on the target and the one deleted from the
     * source must not change the lab, only its own server's copy does.
     */
    static UUID serverOf(CloudEvent event) {
        String source = event.source() == null ? "" : event.source().toString();
        if (!source.startsWith(SERVER_SOURCE)) {
            return null;
        }
        try {
            return UUID.fromString(source.substring(SERVER_SOURCE.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Uni<Void> markMissing(JsonNode project, CloudEvent event) {
        UUID id = projectId(project, event);
        return id == null ? Uni.createFrom().voidItem()
                : transition(id, ProjectStatus.MISSING, serverOf(event), event.time());
    }

    /**
     * GNS3 notifies a close or open while the REST call that caused it is still writing the same row: a lost
     * optimistic-lock race is retried on a fresh read (which then mostly finds the status already set). The database
     * away is waited out in place ({@link ConsumerRetry}): the event is acknowledged only once recorded, and the
     * partition keeps its order meanwhile. Writing the same status twice changes nothing, so a redelivered event
     * needs no deduplication.
     */
    private Uni<Void> transition(UUID id, ProjectStatus next, UUID server, OffsetDateTime at) {
        return retry.untilApplied("project " + id + ": status " + next + " from GNS3",
                () -> write(id, next, server, at));
    }

    /**
     * @param at when the bridge heard GNS3 say so (the event's time): a notification older than the lab's last
     *           recorded change is stale and skipped. A snapshot restore, for one, makes GNS3 close and reopen the
     *           project before it answers; the restore records the status GNS3 answered, and the close heard before
     *           that answer must not turn the lab closed for the moment until the reopen is consumed (EventContractIT
     *           saw a start refused 409 "lab is closed" right after a restore). The status written from an event is
     *           dated by that event, so the events of one lab keep applying in order.
     */
    private Uni<Void> write(UUID id, ProjectStatus next, UUID server, OffsetDateTime at) {
        return Panache.withTransaction(() -> Project.<Project>findById(id).chain(project -> {
            if (project == null || project.status == next || server != null && !server.equals(project.serverId)) {
                return Uni.createFrom().voidItem();
            }
            if (at != null && project.updatedAt != null && at.isBefore(project.updatedAt)) {
                LOG.debugf("project %s: %s from GNS3 at %s is older than the lab's last change (%s): skipped", id,
                        next, at, project.updatedAt);
                return Uni.createFrom().voidItem();
            }
            LOG.debugf("project %s: %s -> %s (from GNS3)", id, project.status, next);
            project.status = next;
            if (next == ProjectStatus.CLOSED) {
                project.runningNodes = 0; // GNS3 stops a project's nodes as it closes it (quotas count running nodes)
            }
            project.updatedAt = at != null ? at : OffsetDateTime.now(ZoneOffset.UTC);
            String type = switch (next) {
                case OPENED -> EventTypes.LAB_PROJECT_OPENED;
                case CLOSED -> EventTypes.LAB_PROJECT_CLOSED;
                case MISSING -> EventTypes.LAB_PROJECT_UPDATED;
            };
            return events.publish(type, project);
        }));
    }

    private static UUID projectId(JsonNode project, CloudEvent event) {
        String raw = project != null && project.hasNonNull("project_id") ? project.get("project_id").asText()
                : event.subject();
        try {
            return raw == null ? null : UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
