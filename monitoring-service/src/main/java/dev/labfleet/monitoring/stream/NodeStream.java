package dev.labfleet.monitoring.stream;

import dev.labfleet.monitoring.model.Subscription;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The nodes of one lab ({@code ?projectId=}): their status as it changes. */
@WebSocket(path = "/api/v1/monitoring/stream/nodes")
public class NodeStream {

    private final StreamHub hub;

    public NodeStream(StreamHub hub) {
        this.hub = hub;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return hub.open(connection, Subscription.Scope.NODES, StreamHub.query(connection.handshakeRequest().query()).get("projectId"));
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
