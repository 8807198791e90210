package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.ServerWebSocket;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The notification WebSockets: the controller's ({@code /v2/notifications/ws}) and each project's
 * ({@code /v2/projects/{project_id}/notifications/ws}). {@link Notifications} keeps their clients and sends.
 */
final class NotificationHandler {

    private static final Pattern PROJECT_WS = Pattern.compile("/v2/projects/([^/]+)/notifications/ws");

    private final Gns3Api api;

    NotificationHandler(Gns3Api api) {
        this.api = api;
    }

    /** Takes the WebSocket if it asks for a notification stream; false leaves it to others. */
    boolean accept(ServerWebSocket ws) {
        String path = ws.path();
        if (path.equals("/v2/notifications/ws")) {
            api.counts().record("GET", "/v2/notifications/ws");
            api.notifications.addController(ws, ping());
            return true;
        }
        Matcher m = PROJECT_WS.matcher(path);
        if (m.matches() && api.projects.containsKey(m.group(1))) {
            api.counts().record("GET", "/v2/projects/{project_id}/notifications/ws");
            api.notifications.addProject(m.group(1), ws, ping());
            return true;
        }
        return false;
    }

    /**
     * The ping GNS3 sends first on every stream, and every few seconds on the controller's: the local compute's
     * load.
     */
    ObjectNode ping() {
        ObjectNode compute = api.compute();
        return JsonNodeFactory.instance.objectNode()
                .put("cpu_usage_percent", compute.get("cpu_usage_percent").asDouble())
                .put("memory_usage_percent", compute.get("memory_usage_percent").asDouble());
    }
}
