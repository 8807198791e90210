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

/** One lab: the lab, its nodes and links, link traffic, its health, anomalies and switches. */
@RolesAllowed(Roles.VIEWER)
@WebSocket(path = "/api/v1/monitoring/stream/projects/{projectId}")
public class ProjectStream {

    private final StreamHub hub;
    private final SecurityIdentity identity;

    public ProjectStream(StreamHub hub, SecurityIdentity identity) {
        this.hub = hub;
        this.identity = identity;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        return hub.open(connection, Subscription.Scope.PROJECT, connection.pathParam("projectId"),
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
