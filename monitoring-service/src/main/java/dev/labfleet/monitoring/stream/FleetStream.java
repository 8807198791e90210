package dev.labfleet.monitoring.stream;

import dev.labfleet.monitoring.model.Subscription;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The fleet: servers (status, load), labs (counts), health, anomalies and auto-switch decisions. */
@WebSocket(path = "/api/v1/monitoring/stream/fleet")
public class FleetStream {

    private final StreamHub hub;

    public FleetStream(StreamHub hub) {
        this.hub = hub;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return hub.open(connection, Subscription.Scope.FLEET, null);
    }

    @OnTextMessage
    public Uni<Void> message(WebSocketConnection connection, String text) {
        return hub.message(connection, text);
    }

    @OnClose
    public void close(WebSocketConnection connection) {
        hub.closed(connection);
    }
}
