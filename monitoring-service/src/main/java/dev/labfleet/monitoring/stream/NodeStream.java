package dev.labfleet.monitoring.stream;

import dev.labfleet.common.security.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.monitoring.model.Subscription;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;

/** The nodes of one lab ({@code ?projectId=}): their status as it changes. */
@RolesAllowed(Roles.VIEWER)
@WebSocket(path = "/api/v1/monitoring/stream/nodes")
public class NodeStream {

    private final StreamHub hub;
    private final SecurityIdentity identity;

    public NodeStream(StreamHub hub, SecurityIdentity identity) {
        this.hub = hub;
        this.identity = identity;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return hub.open(connection, Subscription.Scope.NODES, StreamHub.query(connection.handshakeRequest().query()).get("projectId"),
                QuarkusSecurityIdentity.builder(identity).build());
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
