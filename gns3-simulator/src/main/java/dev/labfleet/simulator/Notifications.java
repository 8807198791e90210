package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.ServerWebSocket;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * GNS3's notification streams: the controller's ({@code /v2/notifications/ws}: ping, compute.updated,
 * project.*, template.*) and each project's ({@code /v2/projects/{id}/notifications/ws}: node.*, link.*,
 * drawing.*). Messages are {@code {"action": ..., "event": {...}}}.
 */
final class Notifications {

    private final Set<ServerWebSocket> controller = new HashSet<>();
    private final Map<String, Set<ServerWebSocket>> projects = new HashMap<>();
    /** Called with a project id when its last project-stream client left. */
    private Consumer<String> onLastProjectClientGone = id -> { };

    void onLastProjectClientGone(Consumer<String> action) {
        this.onLastProjectClientGone = action;
    }

    void addController(ServerWebSocket ws, ObjectNode ping) {
        controller.add(ws);
        ws.closeHandler(v -> controller.remove(ws));
        send(ws, "ping", ping);
    }

    void addProject(String projectId, ServerWebSocket ws, ObjectNode ping) {
        projects.computeIfAbsent(projectId, k -> new HashSet<>()).add(ws);
        ws.closeHandler(v -> {
            Set<ServerWebSocket> clients = projects.get(projectId);
            if (clients != null) {
                clients.remove(ws);
                if (clients.isEmpty()) {
                    projects.remove(projectId);
                    onLastProjectClientGone.accept(projectId);
                }
            }
        });
        send(ws, "ping", ping);
    }

    boolean hasProjectClients(String projectId) {
        Set<ServerWebSocket> clients = projects.get(projectId);
        return clients != null && !clients.isEmpty();
    }

    boolean hasControllerClients() {
        return !controller.isEmpty();
    }

    void controller(String action, JsonNode event) {
        if (!controller.isEmpty()) {
            String message = message(action, event);
            List.copyOf(controller).forEach(ws -> ws.writeTextMessage(message));
        }
    }

    void project(String projectId, String action, JsonNode event) {
        Set<ServerWebSocket> clients = projects.get(projectId);
        if (clients != null && !clients.isEmpty()) {
            String message = message(action, event);
            List.copyOf(clients).forEach(ws -> ws.writeTextMessage(message));
        }
    }

    void closeAll() {
        List.copyOf(controller).forEach(ws -> ws.close());
        projects.values().forEach(set -> List.copyOf(set).forEach(ws -> ws.close()));
        controller.clear();
        projects.clear();
    }

    private static void send(ServerWebSocket ws, String action, JsonNode event) {
        ws.writeTextMessage(message(action, event));
    }

    private static String message(String action, JsonNode event) {
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.put("action", action);
        message.set("event", event);
        return message.toString();
    }
}
