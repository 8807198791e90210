package dev.labfleet.automation.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.automation.console.ConsoleSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An execution running on this replica: each node's transcript as it grows, the open console sessions (closed on
 * cancel), and the listeners of its live stream. A listener first gets what was already recorded, then what
 * arrives, then the final result; the lock makes "already recorded" and "arrives" meet without a gap or a repeat.
 */
public final class LiveExecution {

    public final UUID id;
    private final ObjectMapper mapper;
    private final int transcriptMax;
    private final Map<String, Transcript> transcripts = new LinkedHashMap<>();
    private final Map<String, String> names = new LinkedHashMap<>();
    private final List<MultiEmitter<? super String>> listeners = new ArrayList<>();
    private final Set<ConsoleSession> sessions = ConcurrentHashMap.newKeySet();
    private String finalMessage;
    private volatile boolean cancelled;
    private volatile boolean stopping;
    private volatile boolean lost;

    public LiveExecution(UUID id, ObjectMapper mapper, int transcriptMax) {
        this.id = id;
        this.mapper = mapper;
        this.transcriptMax = transcriptMax;
    }

    public synchronized Transcript transcript(String nodeId, String nodeName) {
        names.put(nodeId, nodeName);
        return transcripts.computeIfAbsent(nodeId, k -> new Transcript(transcriptMax));
    }

    /** Records console output of a node and sends it to the listeners. */
    public void output(String nodeId, String nodeName, String text) {
        List<MultiEmitter<? super String>> to;
        String message;
        synchronized (this) {
            String kept = transcript(nodeId, nodeName).append(text);
            if (kept.isEmpty()) {
                return;
            }
            message = message("output", nodeId, nodeName).put("text", kept).toString();
            to = List.copyOf(listeners);
        }
        to.forEach(l -> l.emit(message));
    }

    public void nodeFinished(String nodeId, String nodeName, String status, String error) {
        ObjectNode m = message("node-finished", nodeId, nodeName).put("status", status);
        if (error != null) {
            m.put("error", error);
        }
        List<MultiEmitter<? super String>> to;
        synchronized (this) {
            to = List.copyOf(listeners);
        }
        String text = m.toString();
        to.forEach(l -> l.emit(text));
    }

    /** The final result: sent to every listener, whose stream then ends; later listeners get it after catching up. */
    public void finish(Object execution) {
        List<MultiEmitter<? super String>> to;
        String text;
        synchronized (this) {
            ObjectNode m = mapper.createObjectNode().put("type", "finished");
            m.set("execution", mapper.valueToTree(execution));
            text = m.toString();
            finalMessage = text;
            to = List.copyOf(listeners);
            listeners.clear();
        }
        to.forEach(l -> {
            l.emit(text);
            l.complete();
        });
    }

    /** The stream of one listener: catch-up first, then live output, then the final result. */
    public Multi<String> stream() {
        return Multi.createFrom().emitter(emitter -> {
            synchronized (this) {
                for (Map.Entry<String, Transcript> t : transcripts.entrySet()) {
                    String text = t.getValue().text();
                    if (!text.isEmpty()) {
                        emitter.emit(message("output", t.getKey(), names.get(t.getKey())).put("text", text)
                                .put("catchUp", true).toString());
                    }
                }
                if (finalMessage != null) {
                    emitter.emit(finalMessage);
                    emitter.complete();
                    return;
                }
                listeners.add(emitter);
            }
            emitter.onTermination(() -> {
                synchronized (this) {
                    listeners.remove(emitter);
                }
            });
        });
    }

    private ObjectNode message(String type, String nodeId, String nodeName) {
        return mapper.createObjectNode().put("type", type).put("executionId", id.toString()).put("nodeId", nodeId)
                .put("nodeName", nodeName);
    }

    public void opened(ConsoleSession session) {
        sessions.add(session);
        if (cancelled) {
            session.close();
        }
    }

    public void closed(ConsoleSession session) {
        sessions.remove(session);
    }

    /** Cancels: running sessions are closed at once; nodes not yet started will be recorded as cancelled. */
    public void cancel() {
        cancelled = true;
        sessions.forEach(ConsoleSession::close);
    }

    public boolean cancelled() {
        return cancelled;
    }

    /**
     * Another replica took the execution over (this one stopped renewing it, a long pause): its sessions are closed
     * and nothing more is recorded here; listeners end and reconnect to whoever runs it now.
     */
    public void lose() {
        lost = true;
        sessions.forEach(ConsoleSession::close);
        List<MultiEmitter<? super String>> to;
        synchronized (this) {
            to = List.copyOf(listeners);
            listeners.clear();
        }
        to.forEach(MultiEmitter::complete);
    }

    public boolean lost() {
        return lost;
    }

    /** stopOnFirstError: nodes not yet started are skipped. */
    public void stop() {
        stopping = true;
    }

    public boolean stopping() {
        return stopping;
    }
}
