package dev.labfleet.monitoring.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.Subscription;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream endpoints' shared logic: opening a client (checks, snapshot or resume), its messages, closing.
 * Close codes: 1008 bad request (a malformed id or parameter), 4404 unknown lab, 4008 too far behind, 1001 the service
 * is stopping.
 */
@ApplicationScoped
public class StreamHub {

    static final int GOING_AWAY = 1001;
    static final int BAD_REQUEST = 1008;
    static final int UNKNOWN_LAB = 4404;
    /** The caller may not see the lab (its owner, its groups and admins may). */
    static final int FORBIDDEN_LAB = 4403;

    private final FleetModel model;
    private final MonitoringConfig config;
    private final StreamMetrics metrics;
    private final ObjectMapper json = CloudEventCodec.mapper();
    private final Map<String, StreamClient> clients = new ConcurrentHashMap<>();
    /** Clients with pending deltas, flushed on the next tick. */
    private final Set<StreamClient> due = ConcurrentHashMap.newKeySet();
    private final Vertx vertx;
    private long ticker = -1;
    /**
     * Set at shutdown, while the container still runs: no client opens or flushes, and the write callbacks of frames
     * still in flight touch nothing (the model and metrics beans are gone once the container stopped).
     */
    private volatile boolean stopped;

    public StreamHub(FleetModel model, MonitoringConfig config, StreamMetrics metrics, MeterRegistry registry,
                     Vertx vertx) {
        this.vertx = vertx;
        this.model = model;
        this.config = config;
        this.metrics = metrics;
        Gauge.builder("monitoring_ws_clients", clients, Map::size).description("connected stream clients")
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        ticker = vertx.setPeriodic(config.stream().flushInterval().toMillis(), id -> flushDue());
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        if (ticker >= 0) {
            vertx.cancelTimer(ticker);
        }
        due.clear();
        // closed now rather than by the HTTP server's own stop, which comes after the container's: clients learn that
        // this replica goes away (1001) and reconnect and resume elsewhere
        for (StreamClient client : clients()) {
            client.markClosed();
            unregister(client);
            client.connection().close(new CloseReason(GOING_AWAY, "the service is stopping; reconnect and resume"))
                    .subscribe().with(ok -> { }, e -> { });
        }
    }

    boolean stopped() {
        return stopped;
    }

    /** {@code client} has pending deltas: it is flushed on the next tick. */
    void dirty(StreamClient client) {
        if (!stopped) {
            due.add(client);
        }
    }

    /** One tick: a frame to each client that has pending deltas, one encoded string per distinct frame. */
    void flushDue() {
        if (due.isEmpty()) {
            return;
        }
        List<StreamClient> now = new ArrayList<>(due.size());
        for (var it = due.iterator(); it.hasNext(); ) {
            now.add(it.next());
            it.remove();
        }
        Map<StreamClient.SeqList, String> frames = new HashMap<>();
        int sent = 0;
        for (StreamClient client : now) {
            sent += client.flush(frames) ? 1 : 0;
        }
        metrics.flushed(sent, frames.size());
    }

    StreamMetrics metrics() {
        return metrics;
    }

    int maxPending() {
        return config.stream().maxPending();
    }

    int maxBatch() {
        return config.stream().maxBatch();
    }

    public int clientCount() {
        return clients.size();
    }

    Uni<Void> open(WebSocketConnection connection, Subscription.Scope scope, String projectIdText) {
        return open(connection, scope, projectIdText, null);
    }

    /** Opens a stream for {@code caller}: only labs it may see (a lab it may not see is refused: 4403). */
    Uni<Void> open(WebSocketConnection connection, Subscription.Scope scope, String projectIdText,
                   io.quarkus.security.identity.SecurityIdentity caller) {
        if (stopped) {
            return refuse(connection, GOING_AWAY, "the service is stopping");
        }
        Map<String, String> query = query(connection.handshakeRequest().query());
        String projectId = null;
        if (scope != Subscription.Scope.FLEET) {
            if (projectIdText == null || projectIdText.isBlank()) {
                return refuse(connection, BAD_REQUEST, "projectId: required");
            }
            try {
                projectId = UUID.fromString(projectIdText).toString();
            } catch (IllegalArgumentException e) {
                return refuse(connection, BAD_REQUEST, "projectId: not a UUID");
            }
            if (model.lab(projectId) == null) {
                return refuse(connection, UNKNOWN_LAB, "no lab " + projectId);
            }
            if (!model.visible(caller, projectId)) {
                return refuse(connection, FORBIDDEN_LAB, "lab " + projectId + " is not one of the caller's");
            }
        }
        Long since = null;
        if (query.containsKey("since")) {
            try {
                since = Long.parseLong(query.get("since"));
            } catch (NumberFormatException e) {
                return refuse(connection, BAD_REQUEST, "since: not a sequence number");
            }
        }
        Subscription sub = switch (scope) {
            case FLEET -> dev.labfleet.support.security.LabAccess.seesAll(caller) ? Subscription.fleet()
                    : Subscription.fleet(pid -> model.visible(caller, pid));
            case PROJECT -> Subscription.project(projectId);
            case NODES -> Subscription.nodes(projectId);
        };
        StreamClient client = new StreamClient(connection, sub, this);
        clients.put(connection.id(), client);
        client.start(model.register(client, since, query.get("epoch")));
        return Uni.createFrom().voidItem();
    }

    /** A client message: {@code {"type":"ping"}} or {@code {"type":"resume","seq":N,"epoch":"..."}}. */
    Uni<Void> message(WebSocketConnection connection, String text) {
        StreamClient client = clients.get(connection.id());
        if (client == null) {
            return Uni.createFrom().voidItem();
        }
        JsonNode msg;
        try {
            msg = json.readTree(text);
        } catch (Exception e) {
            return error(connection, "message: not JSON");
        }
        if (msg == null || !msg.isObject() || !msg.path("type").isTextual()) {
            return error(connection, "type: required (ping or resume)");
        }
        switch (msg.get("type").asText()) {
            case "ping" -> {
                return connection.sendText("{\"type\":\"pong\",\"epoch\":\"" + model.epoch() + "\",\"seq\":"
                        + model.seq() + "}");
            }
            case "resume" -> {
                if (!msg.path("seq").canConvertToLong() || !msg.path("seq").isIntegralNumber()) {
                    return error(connection, "seq: required, the last sequence number seen");
                }
                model.unregister(client);
                client.resetForResume();
                client.start(model.register(client, msg.get("seq").asLong(), msg.path("epoch").asText(null)));
                return Uni.createFrom().voidItem();
            }
            default -> {
                return error(connection, "type: unknown message type (ping or resume)");
            }
        }
    }

    void closed(WebSocketConnection connection) {
        StreamClient client = clients.remove(connection.id());
        if (client != null) {
            client.markClosed();
            due.remove(client);
            model.unregister(client);
        }
    }

    void unregister(StreamClient client) {
        due.remove(client);
        clients.remove(client.connection().id());
        model.unregister(client);
    }

    void drop(StreamClient client) {
        client.markClosed();
        unregister(client);
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void checkSlowClients() {
        checkSlowClients(System.nanoTime());
    }

    /** Closes the clients whose frame, at {@code now} ({@link System#nanoTime()}), waited over max-send-wait. */
    void checkSlowClients(long now) {
        long max = config.stream().maxSendWait().toNanos();
        for (StreamClient c : clients.values()) {
            c.check(now, max);
        }
    }

    /** The connected clients, now. */
    List<StreamClient> clients() {
        return List.copyOf(clients.values());
    }

    private Uni<Void> error(WebSocketConnection connection, String detail) {
        return connection.sendText(json.createObjectNode().put("type", "error").put("detail", detail).toString());
    }

    private static Uni<Void> refuse(WebSocketConnection connection, int code, String reason) {
        return connection.close(new CloseReason(code, reason));
    }

    static Map<String, String> query(String query) {
        Map<String, String> out = new HashMap<>();
        if (query == null || query.isEmpty()) {
            return out;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            String k = eq < 0 ? part : part.substring(0, eq);
            String v = eq < 0 ? "" : part.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                out.put(k, v);
            }
        }
        return out;
    }
}
