package dev.labfleet.automation.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.automation.service.ExecutionService;
import dev.labfleet.automation.service.LiveExecution;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.support.security.LabDirectory;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.PathParam;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.UUID;

/**
 * The live transcript of an execution: {@code {"type":"output","nodeId","nodeName","text"}} messages as consoles
 * print (first, with {@code "catchUp":true}, what was already recorded), {@code node-finished} as each node ends,
 * and a last {@code finished} message with the whole execution; then the server closes the connection. An unknown
 * execution gets one {@code error} message. An execution run by another replica is followed through PostgreSQL:
 * each node's transcript arrives when that node ends. A caller who may not see the execution's lab gets one
 * {@code error} message with status 403 and nothing of the execution (docs/security.md).
 */
@RolesAllowed(Roles.VIEWER)
@WebSocket(path = "/api/v1/executions/{executionId}/stream")
public class ExecutionStream {

    private final ExecutionService executions;
    private final ObjectMapper mapper;
    private final LabDirectory labs;
    private final SecurityIdentity identity;

    public ExecutionStream(ExecutionService executions, ObjectMapper mapper, LabDirectory labs,
                           SecurityIdentity identity) {
        this.executions = executions;
        this.mapper = mapper;
        this.labs = labs;
        this.identity = identity;
    }

    private final java.util.Map<String, io.smallrye.mutiny.subscription.Cancellable> open =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Sends the messages one after another, then closes; a client that leaves stops its subscription. */
    @OnOpen
    public void open(@PathParam String executionId, WebSocketConnection connection) {
        Multi<String> messages;
        try {
            UUID id = UUID.fromString(executionId);
            // the connection's caller, kept past this callback (the lookup answers later)
            SecurityIdentity caller = QuarkusSecurityIdentity.builder(identity).build();
            messages = executions.detached(id).chain(view -> labs.require(caller, view.projectId(), false))
                    .onItem().transformToMulti(allowed -> {
                        LiveExecution live = executions.live(id);
                        return live != null ? live.stream() : recorded(id);
                    })
                    .onFailure(ProblemException.class).recoverWithMulti(e -> Multi.createFrom().item(error(
                            (ProblemException) e)));
        } catch (IllegalArgumentException e) {
            messages = Multi.createFrom().item(mapper.createObjectNode().put("type", "error").put("status", 400)
                    .put("detail", "executionId: '" + executionId + "' is not a UUID").toString());
        }
        open.put(connection.id(), messages
                .onItem().transformToUniAndConcatenate(connection::sendText)
                .onTermination().call(() -> connection.isOpen() ? connection.close()
                        : io.smallrye.mutiny.Uni.createFrom().voidItem())
                .subscribe().with(ignored -> { }, failure -> open.remove(connection.id()),
                        () -> open.remove(connection.id())));
    }

    @OnClose
    public void closed(WebSocketConnection connection) {
        io.smallrye.mutiny.subscription.Cancellable subscription = open.remove(connection.id());
        if (subscription != null) {
            subscription.cancel();
        }
    }

    /** Not running here: what PostgreSQL has, polled until the execution ends. */
    private Multi<String> recorded(UUID id) {
        java.util.Set<String> sent = new java.util.HashSet<>();
        return Multi.createBy().repeating().uni(() -> executions.detached(id))
                .withDelay(Duration.ofMillis(500)).whilst(view -> "running".equals(view.status()))
                .onItem().transformToIterable(view -> {
                    java.util.List<String> out = new java.util.ArrayList<>();
                    if (view.nodes() != null) {
                        for (ExecutionView.NodeRun n : view.nodes()) {
                            boolean ended = !"pending".equals(n.status()) && !"running".equals(n.status());
                            if (ended && sent.add(n.nodeId())) {
                                if (n.transcript() != null && !n.transcript().isEmpty()) {
                                    out.add(mapper.createObjectNode().put("type", "output")
                                            .put("executionId", id.toString()).put("nodeId", n.nodeId())
                                            .put("nodeName", n.nodeName()).put("text", n.transcript())
                                            .put("catchUp", true).toString());
                                }
                                var finished = mapper.createObjectNode().put("type", "node-finished")
                                        .put("executionId", id.toString()).put("nodeId", n.nodeId())
                                        .put("nodeName", n.nodeName()).put("status", n.status());
                                if (n.error() != null) {
                                    finished.put("error", n.error());
                                }
                                out.add(finished.toString());
                            }
                        }
                    }
                    if (!"running".equals(view.status())) {
                        var m = mapper.createObjectNode().put("type", "finished");
                        m.set("execution", mapper.valueToTree(view));
                        out.add(m.toString());
                    }
                    return out;
                })
                .onFailure(ProblemException.class).recoverWithMulti(e -> Multi.createFrom().item(error(
                        (ProblemException) e)));
    }

    private String error(ProblemException e) {
        return mapper.createObjectNode().put("type", "error").put("status", e.problem().status())
                .put("detail", e.problem().detail()).toString();
    }

}
