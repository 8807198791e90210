package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.gateway.client.Gns3Endpoint;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Keeps consumers' view of one GNS3 server whole: notifications cannot be replayed, so whenever consumers may have
 * missed some (the controller stream was (re)connected, or Kafka did not acknowledge a notification) the server is
 * dirty, and its full state is published again as one {@code gns3.project.resynced} per project. A resync is retried
 * with backoff until Kafka acknowledged every project, and at once when Kafka acknowledges a later event.
 */
final class ServerResync {

    private static final Logger LOG = Logger.getLogger(ServerResync.class);

    private final BridgeContext context;
    private final Gns3Endpoint endpoint;
    private final UUID serverId;
    /** Whether the server's controller stream is connected: a resync runs only then. */
    private final BooleanSupplier connected;
    /** Runs after each successful resync (opens the streams of projects opened meanwhile). */
    private final Runnable afterResync;
    /** Consumers may have missed something of this server: a resync is due. */
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean repairing = new AtomicBoolean();
    private volatile int repairAttempts;
    private volatile long repairTimer = -1;
    private volatile boolean stopped;

    ServerResync(BridgeContext context, Gns3Endpoint endpoint, BooleanSupplier connected, Runnable afterResync) {
        this.context = context;
        this.endpoint = endpoint;
        this.serverId = endpoint.serverId();
        this.connected = connected;
        this.afterResync = afterResync;
    }

    /** The controller stream (re)connected: what happened while it was away is known only from a full resync. */
    void streamConnected() {
        dirty.set(true);
        repairAttempts = 0;
        repair();
    }

    /** Kafka acknowledged one of this server's events: if some were lost before, resync now. */
    void acknowledged() {
        if (dirty.get() && !repairing.get()) {
            context.vertx().runOnContext(this::repair);
        }
    }

    /** Kafka did not acknowledge a notification: consumers miss it, so the server's state must be resent. */
    void lost(String action, Throwable e) {
        if (!dirty.getAndSet(true)) {
            LOG.warnf("GNS3 server %s: Kafka did not acknowledge a %s notification (%s); the server's projects "
                    + "are resynced once Kafka acknowledges again", endpoint.name(), action, e.toString());
        }
        if (!repairing.get() && repairTimer < 0) {
            // no later acknowledgement may come (a quiet server): retry on a timer as well
            scheduleRepair();
        }
    }

    void stop() {
        stopped = true;
        long timer = repairTimer;
        if (timer >= 0) {
            context.vertx().cancelTimer(timer);
        }
    }

    private void scheduleRepair() {
        if (stopped || repairTimer >= 0) {
            return;
        }
        long delay = context.backoff(repairAttempts);
        repairTimer = context.vertx().setTimer(delay, id -> {
            repairTimer = -1;
            repair();
        });
    }

    /**
     * Publishes the full state of every project of the server, as resync events, when the server is dirty. The
     * stream may come back before the server's breaker closes again (it opened during the outage), and Kafka may
     * still be away: a failed resync leaves the server dirty and is retried with backoff, for as long as the
     * controller stream stays connected.
     */
    private void repair() {
        if (stopped || !connected.getAsBoolean() || !dirty.get() || !repairing.compareAndSet(false, true)) {
            return;
        }
        dirty.set(false); // a loss during the resync marks it again, and another resync follows
        resyncAll().subscribe().with(done -> {
            repairing.set(false);
            if (repairAttempts > 0) {
                LOG.infof("GNS3 server %s: resynced %d project(s) after %d failed attempt(s)", endpoint.name(),
                        done, repairAttempts);
            } else {
                LOG.debugf("GNS3 %s: resynced %d project(s)", endpoint.name(), done);
            }
            repairAttempts = 0;
            afterResync.run();
            if (dirty.get() && repairTimer < 0) {
                scheduleRepair(); // lost again meanwhile, or a reconnect waited for this one
            }
        }, e -> {
            repairing.set(false);
            dirty.set(true);
            if (stopped) {
                return;
            }
            long delay = context.backoff(repairAttempts);
            LOG.infof("GNS3 server %s: resync failed (%s), retrying in about %d ms", endpoint.name(), e.toString(),
                    delay);
            repairAttempts++;
            if (repairTimer < 0) {
                scheduleRepair();
            }
        });
    }

    /** Lists the server's projects and publishes one resync event per project; fails if any was not acknowledged. */
    private Uni<Integer> resyncAll() {
        return context.get(endpoint, "/projects", "bridge.resync").chain(projects ->
                // (the resyncs emit no items: count the projects, not the results)
                Multi.createFrom().iterable(projects)
                        .onItem().transformToUni(this::resyncProject).merge(4)
                        .collect().asList().map(ignored -> projects.size()));
    }

    private Uni<Void> resyncProject(JsonNode project) {
        String id = project.path("project_id").asText();
        String path = "/projects/" + id;
        Uni<JsonNode> nodes = list(path + "/nodes");
        Uni<JsonNode> links = list(path + "/links");
        Uni<JsonNode> drawings = list(path + "/drawings");
        return Uni.combine().all().unis(nodes, links, drawings).asTuple().chain(t -> {
            ObjectNode data = context.mapper().createObjectNode();
            data.put("serverId", serverId.toString());
            data.set("project", project);
            data.set("nodes", t.getItem1());
            data.set("links", t.getItem2());
            data.set("drawings", t.getItem3());
            return context.publisher().publish(serverId, EventTypes.GNS3_PROJECT_RESYNCED, id, id, data);
        });
    }

    private Uni<JsonNode> list(String path) {
        return context.get(endpoint, path, "bridge.resync")
                .onFailure().recoverWithItem(e -> context.mapper().createArrayNode());
    }
}
