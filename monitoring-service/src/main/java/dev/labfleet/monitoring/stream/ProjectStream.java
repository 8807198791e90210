package dev.labfleet.monitoring.stream;

import dev.labfleet.monitoring.model.Subscription;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** One lab: the lab, its nodes and links, link traffic, its health, anomalies and switches. */
@WebSocket(path = "/api/v1/monitoring/stream/projects/{projectId}")
public class ProjectStream {

    private final StreamHub hub;

    public ProjectStream(StreamHub hub) {
        this.hub = hub;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return hub.open(connection, Subscription.Scope.PROJECT, connection.pathParam("projectId"));
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
