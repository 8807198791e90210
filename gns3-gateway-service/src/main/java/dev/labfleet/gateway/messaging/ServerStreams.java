package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.mutiny.core.http.WebSocket;
import io.vertx.mutiny.core.http.WebSocketClient;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One GNS3 server's notification WebSockets: the controller's, reconnected with backoff for as long as the bridge
 * runs, and one per opened project. Every notification is published as a {@code gns3.<action>} CloudEvent; whether
 * Kafka acknowledged it goes to the server's {@link ServerResync}. Runs on the Vert.x event loop.
 */
final class ServerStreams {

    private static final Logger LOG = Logger.getLogger(ServerStreams.class);

    private final BridgeContext context;
    private final Gns3Endpoint endpoint;
    private final UUID serverId;
    private final WebSocketClient ws;
    private final ServerResync resync;
    private final Map<String, WebSocket> projects = new ConcurrentHashMap<>();
    private final Set<String> connecting = ConcurrentHashMap.newKeySet();
    private volatile WebSocket controller;
    private volatile boolean stopped;
    private int attempts;

    ServerStreams(BridgeContext context, Gns3Endpoint endpoint) {
        this.context = context;
        this.endpoint = endpoint;
        this.serverId = endpoint.serverId();
        this.ws = context.vertx().createWebSocketClient(new WebSocketClientOptions()
                .setConnectTimeout((int) context.config().client().connectTimeout().toMillis())
                .setSsl(endpoint.https()).setTrustAll(!endpoint.verifyTls()).setVerifyHost(endpoint.verifyTls())
                .setMaxFrameSize(1024 * 1024).setMaxMessageSize(16 * 1024 * 1024));
        this.resync = new ServerResync(context, endpoint, this::connected, this::refreshProjects);
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

    Gns3Endpoint endpoint() {
        return endpoint;
    }

    /** Whether the controller stream is connected. */
    boolean connected() {
        return controller != null;
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
            resync.streamConnected();
        }, failure -> {
            LOG.debugf("GNS3 server %s: notification stream: %s", endpoint.name(), failure.toString());
            retryLater();
        });
    }

    /** Opens the stream of every opened project that has none; called after each resync and each supervision. */
    void refreshProjects() {
        if (stopped || controller == null) {
            return;
        }
        context.get(endpoint, "/projects", "bridge.projects").subscribe().with(projects -> {
            for (JsonNode p : projects) {
                if ("opened".equals(p.path("status").asText())) {
                    openProject(p.path("project_id").asText());
                }
            }
        }, e -> LOG.debugf("GNS3 %s: listing projects failed: %s", endpoint.name(), e.toString()));
    }

    void stop() {
        stopped = true;
        resync.stop();
        WebSocket socket = controller;
        if (socket != null) {
            socket.closeAndForget();
        }
        projects.values().forEach(WebSocket::closeAndForget);
        projects.clear();
        ws.close().subscribe().with(ok -> { }, e -> { });
    }

    private void retryLater() {
        long delay = context.backoff(attempts);
        attempts++;
        context.vertx().setTimer(delay, id -> connect());
    }

    private void openProject(String projectId) {
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

    private void closeProject(String projectId) {
        WebSocket socket = projects.remove(projectId);
        if (socket != null) {
            socket.closeAndForget();
        }
    }

    private void onMessage(String streamProjectId, String text) {
        Gns3Notification message = Gns3Notification.read(context.mapper().getFactory(), text);
        if (message == null) {
            return;
        }
        String action = message.action();
        String projectId = message.projectId() != null ? message.projectId() : streamProjectId;
        String subject = message.subjectId() != null ? message.subjectId()
                : projectId == null || projectId.isEmpty() ? null : projectId;
        context.publisher().publish(serverId, EventTypes.gns3(action), projectId, subject, message.event())
                .subscribe().with(ok -> resync.acknowledged(), e -> resync.lost(action, e));
        if (projectId == null || projectId.isEmpty()) {
            return;
        }
        if (opensStream(action, message.status())) {
            openProject(projectId);
        } else if (action.equals("project.closed") || action.equals("project.deleted")) {
            closeProject(projectId);
        }
    }

    private WebSocketConnectOptions options(String path) {
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setHost(endpoint.url().getHost()).setPort(endpoint.port()).setSsl(endpoint.https())
                .setURI(endpoint.basePath() + "/v2" + path);
        String authorization = Gns3Client.authorization(endpoint);
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        return options;
    }
}
