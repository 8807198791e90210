package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.monitoring.client.GatewayClient;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.model.FleetModel;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Rebuilds the live model from the gateway (servers, their health, projects, and the nodes and links of opened
 * projects) and project-service (lab names and tags): at start, when gns3.events partitions are assigned, and
 * every few seconds until one rebuild succeeded. One rebuild runs at a time; a request during one runs after it.
 */
@ApplicationScoped
public class FleetResync {

    private static final Logger LOG = Logger.getLogger(FleetResync.class);

    private final GatewayClient gateway;
    private final FleetModel model;
    private final MonitoringConfig config;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    /** Set at shutdown: no rebuild starts (a partition assignment or a retry may still ask for one). */
    private volatile boolean stopped;
    /** The rebuild running, cancelled at shutdown so that none of its later calls runs after the container stopped. */
    private volatile Cancellable inFlight;

    public FleetResync(GatewayClient gateway, FleetModel model, MonitoringConfig config) {
        this.gateway = gateway;
        this.model = model;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        requestResync("start");
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        Cancellable rebuild = inFlight;
        if (rebuild != null) {
            rebuild.cancel();
        }
    }

    @Scheduled(every = "${labfleet.monitoring.resync.retry:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryUntilSynced() {
        if (!model.synced()) {
            requestResync("not yet synced");
        }
    }

    /** Runs a rebuild now, or right after the one running. */
    public void requestResync(String why) {
        if (stopped) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        LOG.debugf("resync: %s", why);
        inFlight = resyncAll().subscribe().with(ok -> done(), e -> {
            LOG.warnf("resync (%s) failed: %s", why, e.getMessage());
            done();
        });
        if (stopped) { // the shutdown came between the check and the subscription
            inFlight.cancel();
        }
    }

    private void done() {
        inFlight = null;
        running.set(false);
        if (again.getAndSet(false)) {
            requestResync("requested during a resync");
        }
    }

    public Uni<Void> resyncAll() {
        return gateway.listServers()
                .chain(list -> Multi.createFrom().iterable(items(list))
                        .onItem().transformToUni(this::resyncServer).merge(config.resync().concurrency())
                        .collect().asList())
                .chain(ignored -> labsFromProjectService(null))
                .invoke(model::markSynced)
                .replaceWithVoid();
    }

    private Uni<Void> resyncServer(JsonNode server) {
        String id = server.path("id").asText(null);
        if (id == null || !server.path("enabled").asBoolean(true)) {
            return Uni.createFrom().voidItem();
        }
        UUID serverId = UUID.fromString(id);
        Uni<Void> health = gateway.health(serverId)
                .invoke(h -> model.serverHealth(id, server.path("name").asText(null), server.path("url").asText(null),
                        h.path("status").asText(null), h.hasNonNull("latencyMs") ? h.get("latencyMs").asLong() : null,
                        h.path("breakerState").asText(null), null))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> null);
        Uni<Void> projects = gateway.listProjects(serverId)
                .chain(list -> {
                    Set<String> present = new HashSet<>();
                    List<JsonNode> opened = new ArrayList<>();
                    for (JsonNode p : items(list)) {
                        String pid = p.path("project_id").asText(null);
                        if (pid == null) {
                            continue;
                        }
                        present.add(pid);
                        if ("opened".equals(p.path("status").asText())) {
                            opened.add(p);
                        } else {
                            model.project(id, p);
                        }
                    }
                    model.retainLabs(id, present);
                    ServerUp.mark(model, id, server);
                    return Multi.createFrom().iterable(opened)
                            .onItem().transformToUni(p -> resyncLab(serverId, p)).merge(config.resync().concurrency())
                            .collect().asList().replaceWithVoid();
                })
                .onFailure().invoke(e -> model.serverHealth(id, server.path("name").asText(null),
                        server.path("url").asText(null), "DOWN", null, null, e.getMessage()))
                .onFailure().recoverWithItem(e -> null);
        return health.chain(() -> projects);
    }

    /** Re-reads one lab's nodes and links (also after a lab is selected). */
    public Uni<Void> resyncLab(UUID serverId, JsonNode project) {
        UUID projectId = UUID.fromString(project.path("project_id").asText());
        return Uni.combine().all().unis(gateway.listNodes(serverId, projectId), gateway.listLinks(serverId, projectId))
                .asTuple()
                .invoke(t -> model.replaceLab(serverId.toString(), project, t.getItem1(), t.getItem2()))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("resync of lab %s failed: %s", projectId, e.getMessage());
                    return null;
                });
    }

    private Uni<Void> labsFromProjectService(String cursor) {
        return gateway.listLabs(cursor)
                .chain(page -> {
                    for (JsonNode p : items(page)) {
                        String pid = p.path("projectId").asText(null);
                        if (pid != null && model.lab(pid) != null) {
                            List<String> tags = new ArrayList<>();
                            p.path("tags").forEach(t -> tags.add(t.asText()));
                            model.labMeta(pid, p.path("serverId").asText(null), p.path("name").asText(null), tags);
                            model.labOwner(pid, p.path("owner").asText(null));
                        }
                    }
                    String next = page.path("nextCursor").asText(null);
                    return next == null ? Uni.createFrom().voidItem() : labsFromProjectService(next);
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("lab names from project-service unavailable: %s", e.getMessage());
                    return null;
                });
    }

    static Iterable<JsonNode> items(JsonNode n) {
        if (n != null && n.path("items").isArray()) {
            return n.get("items");
        }
        return n != null && n.isArray() ? n : List.of();
    }

    /** A server whose projects could be listed answers: UP unless the gateway's health says otherwise. */
    private static final class ServerUp {
        static void mark(FleetModel model, String id, JsonNode server) {
            var s = model.server(id);
            if (s == null || "UNKNOWN".equals(s.status()) || "DOWN".equals(s.status()) && s.latencyMs() == null) {
                model.serverHealth(id, server.path("name").asText(null), server.path("url").asText(null), "UP",
                        null, null, null);
            }
        }
    }
}
