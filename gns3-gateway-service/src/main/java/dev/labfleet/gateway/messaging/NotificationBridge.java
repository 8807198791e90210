package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.config.GatewayConfig;
import dev.labfleet.gateway.service.ServerDirectory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.WebSocket;
import io.vertx.mutiny.core.http.WebSocketClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Bridges GNS3 notification WebSockets to Kafka: for each enabled server, the controller stream and the stream of
 * each opened project. Every notification becomes a {@code gns3.<action>} CloudEvent. Notifications can't be
 * replayed, so after every (re)connect of a server's controller stream the bridge lists the server's projects (with
 * their nodes, links and drawings) and publishes one {@code gns3.project.resynced} per project.
 *
 * <p>A notification Kafka did not acknowledge is lost for consumers just as one missed on a broken stream, so it
 * marks its server dirty: the server is resynced as soon as Kafka acknowledges a later event of it, or else retried
 * with backoff, until a resync of every project is acknowledged. Consumers therefore converge on GNS3's state after
 * a Kafka outage without a restart of anything.
 *
 * <p>With several replicas, each server is bridged by one replica: the one holding its lease in
 * {@code gateway_lease}, renewed every supervise interval; a replica that stops renewing is replaced after the
 * lease runs out.
 */
@ApplicationScoped
public class NotificationBridge {

    private static final Logger LOG = Logger.getLogger(NotificationBridge.class);
    private static final String LEASE = "insert into gateway_lease (name, owner, until) "
            + "values ($1, $2, now() + make_interval(secs => $3)) on conflict (name) do update "
            + "set owner = excluded.owner, until = excluded.until "
            + "where gateway_lease.owner = excluded.owner or gateway_lease.until < now() returning owner";
    private static final String RELEASE = "delete from gateway_lease where name = $1 and owner = $2";

    private final Vertx vertx;
    private final Pool pool;
    private final ServerDirectory directory;
    private final Gns3Client client;
    private final Gns3EventPublisher publisher;
    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final String replica = "gateway-" + UUID.randomUUID();
    private final Map<UUID, ServerBridge> bridges = new ConcurrentHashMap<>();

    public NotificationBridge(Vertx vertx, Pool pool, ServerDirectory directory, Gns3Client client,
                              Gns3EventPublisher publisher, GatewayConfig config, ObjectMapper mapper) {
        this.vertx = vertx;
        this.pool = pool;
        this.directory = directory;
        this.client = client;
        this.publisher = publisher;
        this.config = config;
        this.mapper = mapper;
    }

    /** Starts, keeps and stops bridges so that they match the enabled servers whose lease this replica holds. */
    @Scheduled(every = "${labfleet.gateway.bridge.supervise-interval:3s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> supervise() {
        if (!config.bridge().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query("select id from gns3_server where enabled").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows).map(r -> r.getUUID("id")))
                // one after the other: directory lookups may share this context's database session
                .onItem().transformToUniAndConcatenate(id -> lease(id).chain(owned -> owned
                        ? directory.endpoint(id).invoke(this::ensure).replaceWith(id)
                        : Uni.createFrom().nullItem()).onFailure().recoverWithNull())
                .collect().asList()
                .invoke(ids -> {
                    Set<UUID> keep = new HashSet<>(ids);
                    bridges.keySet().stream().filter(id -> !keep.contains(id)).toList().forEach(this::stop);
                })
                .replaceWithVoid()
                .ifNoItem().after(java.time.Duration.ofMinutes(1)).recoverWithItem((Void) null)
                .onFailure().invoke(e -> LOG.debugf("bridge supervision failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Whether this replica currently bridges a server and its controller stream is connected. */
    public boolean connected(UUID serverId) {
        ServerBridge bridge = bridges.get(serverId);
        return bridge != null && bridge.controller != null;
    }

    void shutdown(@Observes ShutdownEvent event) {
        bridges.keySet().forEach(id -> {
            stop(id);
            pool.preparedQuery(RELEASE).execute(Tuple.of("bridge:" + id, replica)).subscribe().with(r -> { }, e -> { });
        });
    }

    private Uni<Boolean> lease(UUID serverId) {
        double seconds = config.bridge().lease().toMillis() / 1000.0;
        return pool.preparedQuery(LEASE).execute(Tuple.of("bridge:" + serverId, replica, seconds))
                .map(rows -> {
                    for (Row row : rows) {
                        return replica.equals(row.getString("owner"));
                    }
                    return false;
                });
    }

    private void ensure(Gns3Endpoint endpoint) {
        ServerBridge current = bridges.get(endpoint.serverId());
        if (current != null && current.endpoint.revision() == endpoint.revision()) {
            current.refreshProjects();
            return;
        }
        if (current != null) {
            current.stop();
        }
        ServerBridge bridge = new ServerBridge(endpoint);
        bridges.put(endpoint.serverId(), bridge);
        bridge.connect();
    }

    private void stop(UUID serverId) {
        ServerBridge bridge = bridges.remove(serverId);
        if (bridge != null) {
            bridge.stop();
        }
    }

    /**
     * Whether a controller notification means a project's own stream (its nodes, links, drawings) should be open: it
     * was opened, or it was created (GNS3 creates projects opened and says only {@code project.created}) or updated
     * while opened. Without this, a lab created straight on GNS3 (its GUI, a script) would go unheard until the next
     * supervision, and what happened meanwhile would be lost.
     */
    static boolean opensStream(String action, String status) {
        return action.equals("project.opened") || ((action.equals("project.created") || action.equals("project.updated"))
                && "opened".equals(status));
    }

    /** One server's streams: the controller's and one per opened project. Runs on the Vert.x event loop. */
    private final class ServerBridge {
        final Gns3Endpoint endpoint;
        final UUID serverId;
        final WebSocketClient ws;
        final Map<String, WebSocket> projects = new ConcurrentHashMap<>();
        final Set<String> connecting = ConcurrentHashMap.newKeySet();
        volatile WebSocket controller;
        volatile boolean stopped;
        int attempts;
        /** Consumers may have missed something of this server: a resync is due. */
        final AtomicBoolean dirty = new AtomicBoolean();
        final AtomicBoolean repairing = new AtomicBoolean();
        volatile int repairAttempts;
        volatile long repairTimer = -1;

        ServerBridge(Gns3Endpoint endpoint) {
            this.endpoint = endpoint;
            this.serverId = endpoint.serverId();
            this.ws = vertx.createWebSocketClient(new WebSocketClientOptions()
                    .setConnectTimeout((int) config.client().connectTimeout().toMillis())
                    .setSsl(endpoint.https()).setTrustAll(!endpoint.verifyTls()).setVerifyHost(endpoint.verifyTls())
                    .setMaxFrameSize(1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
        }

        void connect() {
            if (stopped) {
                return;
            }
            ws.connect(options("/notifications/ws")).subscribe().with(socket -> {
                if (stopped) {
                    socket.closeAndForget();
                    return;
                }
                boolean reconnect = attempts > 0;
                attempts = 0;
                controller = socket;
                LOG.infof("GNS3 server %s: notification stream %s", endpoint.name(), reconnect ? "reconnected" : "connected");
                socket.textMessageHandler(text -> onMessage(null, text));
                socket.closeHandler(() -> {
                    controller = null;
                    if (!stopped) {
                        LOG.infof("GNS3 server %s: notification stream closed, reconnecting", endpoint.name());
                        retryLater();
                    }
                });
                socket.exceptionHandler(e -> LOG.debugf("GNS3 %s notifications: %s", endpoint.name(), e.toString()));
                // what happened while the stream was away is known only from a full resync
                dirty.set(true);
                repairAttempts = 0;
                repair();
            }, failure -> {
                LOG.debugf("GNS3 server %s: notification stream: %s", endpoint.name(), failure.toString());
                retryLater();
            });
        }

        void retryLater() {
            long delay = backoff(attempts);
            attempts++;
            vertx.setTimer(delay, id -> connect());
        }

        /** Exponential backoff with jitter between the configured bounds. */
        long backoff(int attempt) {
            GatewayConfig.Bridge bridge = config.bridge();
            long min = bridge.minBackoff().toMillis();
            long delay = Math.min(bridge.maxBackoff().toMillis(), min * (1L << Math.min(attempt, 16)));
            return Math.max(1, (long) (delay * (0.5 + ThreadLocalRandom.current().nextDouble())));
        }

        /** Opens the stream of every opened project that has none; called on connect and each supervision. */
        void refreshProjects() {
            if (stopped || controller == null) {
                return;
            }
            client.send(endpoint, Gns3Request.get("/projects", "bridge.projects")).subscribe().with(answer -> {
                for (JsonNode p : json(answer.body().getBytes())) {
                    if ("opened".equals(p.path("status").asText())) {
                        openProject(p.path("project_id").asText());
                    }
                }
            }, e -> LOG.debugf("GNS3 %s: listing projects failed: %s", endpoint.name(), e.toString()));
        }

        void openProject(String projectId) {
            if (stopped || projectId.isEmpty() || projects.containsKey(projectId) || !connecting.add(projectId)) {
                return;
            }
            ws.connect(options("/projects/" + projectId + "/notifications/ws")).subscribe().with(socket -> {
                connecting.remove(projectId);
                if (stopped) {
                    socket.closeAndForget();
                    return;
                }
                projects.put(projectId, socket);
                socket.textMessageHandler(text -> onMessage(projectId, text));
                socket.closeHandler(() -> projects.remove(projectId, socket));
            }, failure -> {
                connecting.remove(projectId);
                LOG.debugf("GNS3 %s: project %s stream: %s", endpoint.name(), projectId, failure.toString());
            });
        }

        void closeProject(String projectId) {
            WebSocket socket = projects.remove(projectId);
            if (socket != null) {
                socket.closeAndForget();
            }
        }

        void onMessage(String streamProjectId, String text) {
            Gns3Notification message = Gns3Notification.read(mapper.getFactory(), text);
            if (message == null) {
                return;
            }
            String action = message.action();
            String projectId = message.projectId() != null ? message.projectId() : streamProjectId;
            String subject = message.subjectId() != null ? message.subjectId()
                    : projectId == null || projectId.isEmpty() ? null : projectId;
            publisher.publish(serverId, EventTypes.gns3(action), projectId, subject, message.event())
                    .subscribe().with(ok -> acknowledged(), e -> lost(action, e));
            if (projectId == null || projectId.isEmpty()) {
                return;
            }
            if (opensStream(action, message.status())) {
                openProject(projectId);
            } else if (action.equals("project.closed") || action.equals("project.deleted")) {
                closeProject(projectId);
            }
        }

        /** Kafka acknowledged one of this server's events: if some were lost before, resync now. */
        void acknowledged() {
            if (dirty.get() && !repairing.get()) {
                vertx.runOnContext(this::repair);
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

        void scheduleRepair() {
            if (stopped || repairTimer >= 0) {
                return;
            }
            long delay = backoff(repairAttempts);
            repairTimer = vertx.setTimer(delay, id -> {
                repairTimer = -1;
                repair();
            });
        }

        /**
         * Publishes the full state of every project of the server, as resync events, when the server is dirty (a
         * (re)connected stream, or events Kafka did not acknowledge). The stream may come back before the server's
         * breaker closes again (it opened during the outage), and Kafka may still be away: a failed resync leaves
         * the server dirty and is retried with backoff, for as long as this controller stream stays connected.
         */
        void repair() {
            WebSocket stream = controller;
            if (stopped || stream == null || !dirty.get() || !repairing.compareAndSet(false, true)) {
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
                refreshProjects();
                if (dirty.get() && repairTimer < 0) {
                    scheduleRepair(); // lost again meanwhile, or a reconnect waited for this one
                }
            }, e -> {
                repairing.set(false);
                dirty.set(true);
                if (stopped) {
                    return;
                }
                long delay = backoff(repairAttempts);
                LOG.infof("GNS3 server %s: resync failed (%s), retrying in about %d ms", endpoint.name(), e.toString(),
                        delay);
                repairAttempts++;
                if (repairTimer < 0) {
                    scheduleRepair();
                }
            });
        }

        /** Lists the server's projects and publishes one resync event per project; fails if any was not acknowledged. */
        Uni<Integer> resyncAll() {
            return client.send(endpoint, Gns3Request.get("/projects", "bridge.resync")).chain(answer -> {
                JsonNode projects = json(answer.body().getBytes());
                // (the resyncs emit no items: count the projects, not the results)
                return Multi.createFrom().iterable(projects)
                        .onItem().transformToUni(this::resyncProject).merge(4)
                        .collect().asList().map(ignored -> projects.size());
            });
        }

        Uni<Void> resyncProject(JsonNode project) {
            String id = project.path("project_id").asText();
            String path = "/projects/" + id;
            Uni<JsonNode> nodes = list(path + "/nodes");
            Uni<JsonNode> links = list(path + "/links");
            Uni<JsonNode> drawings = list(path + "/drawings");
            return Uni.combine().all().unis(nodes, links, drawings).asTuple().chain(t -> {
                ObjectNode data = mapper.createObjectNode();
                data.put("serverId", serverId.toString());
                data.set("project", project);
                data.set("nodes", t.getItem1());
                data.set("links", t.getItem2());
                data.set("drawings", t.getItem3());
                return publisher.publish(serverId, EventTypes.GNS3_PROJECT_RESYNCED, id, id, data);
            });
        }

        Uni<JsonNode> list(String path) {
            return client.send(endpoint, Gns3Request.get(path, "bridge.resync"))
                    .map(answer -> json(answer.body().getBytes()))
                    .onFailure().recoverWithItem(e -> mapper.createArrayNode());
        }

        void stop() {
            stopped = true;
            long timer = repairTimer;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
            WebSocket socket = controller;
            if (socket != null) {
                socket.closeAndForget();
            }
            projects.values().forEach(WebSocket::closeAndForget);
            projects.clear();
            ws.close().subscribe().with(ok -> { }, e -> { });
        }

        WebSocketConnectOptions options(String path) {
            WebSocketConnectOptions options = new WebSocketConnectOptions()
                    .setHost(endpoint.url().getHost()).setPort(endpoint.port()).setSsl(endpoint.https())
                    .setURI(endpoint.basePath() + "/v2" + path);
            String authorization = Gns3Client.authorization(endpoint);
            if (authorization != null) {
                options.addHeader("Authorization", authorization);
            }
            return options;
        }

        JsonNode json(byte[] body) {
            try {
                return mapper.readTree(body);
            } catch (Exception e) {
                return mapper.createArrayNode();
            }
        }
    }
}
