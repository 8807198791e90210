package dev.labfleet.monitoring.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.monitoring.config.MonitoringConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The live fleet of this replica: servers, labs, nodes and links, fed by {@code gns3.events} and {@code lab.*} and
 * rebuilt from the gateway at start and after a rebalance. Every change becomes a {@link Delta} with this replica's
 * next sequence number, kept for resuming clients and handed to the {@link DeltaSink}s (the stream clients) in
 * order. Changes are applied one at a time (this object's lock): a snapshot and a client's registration happen
 * between two deltas, so a client never misses one nor gets one twice.
 */
@ApplicationScoped
public class FleetModel {

    /** A receiver of deltas; called under the model's lock, it must only queue. */
    public interface DeltaSink {
        Subscription subscription();

        void offer(Delta delta);
    }

    /** A node whose status changed: for health, anomalies and healing (called under the model's lock). */
    public interface NodeObserver {
        void nodeChanged(NodeState before, NodeState after);
    }

    private final ObjectMapper json = CloudEventCodec.mapper();
    private final String epoch = UUID.randomUUID().toString();
    private final int resumeBuffer;
    private final Map<String, ServerState> servers = new LinkedHashMap<>();
    private final Map<String, LabState> labs = new LinkedHashMap<>();
    private final Map<String, Map<String, NodeState>> nodes = new HashMap<>();
    private final Map<String, Map<String, LinkState>> links = new HashMap<>();
    /** Started nodes per lab, kept as nodes change (a lab's counts are read at every node change). */
    private final Map<String, Integer> running = new HashMap<>();
    /** Latest state of the other kinds (traffic, health, anomalies...), by delta key: part of snapshots. */
    private final Map<String, Delta> extras = new LinkedHashMap<>();
    private final Map<String, Object> extraStates = new HashMap<>();
    private final ArrayDeque<Delta> recent = new ArrayDeque<>();
    private final List<DeltaSink> sinks = new CopyOnWriteArrayList<>();
    private final List<NodeObserver> observers = new CopyOnWriteArrayList<>();
    private long seq;
    private volatile boolean synced;

    public FleetModel(MonitoringConfig config) {
        this.resumeBuffer = config.stream().resumeBuffer();
    }

    /** Names this replica's sequence: a resume with another epoch's sequence gets a snapshot. */
    public String epoch() {
        return epoch;
    }

    /** Whether the model was rebuilt from the gateway at least once. */
    public boolean synced() {
        return synced;
    }

    public void markSynced() {
        synced = true;
    }

    public void observe(NodeObserver observer) {
        observers.add(observer);
    }

    // ---- reads ---------------------------------------------------------------------------------------------------

    public synchronized List<ServerState> servers() {
        return List.copyOf(servers.values());
    }

    public synchronized List<LabState> labs() {
        return List.copyOf(labs.values());
    }

    public synchronized LabState lab(String projectId) {
        return labs.get(projectId);
    }

    public synchronized ServerState server(String serverId) {
        return servers.get(serverId);
    }

    public synchronized List<NodeState> nodes(String projectId) {
        return List.copyOf(nodes.getOrDefault(projectId, Map.of()).values());
    }

    public synchronized NodeState node(String projectId, String nodeId) {
        return nodes.getOrDefault(projectId, Map.of()).get(nodeId);
    }

    public synchronized List<LinkState> links(String projectId) {
        return List.copyOf(links.getOrDefault(projectId, Map.of()).values());
    }

    public synchronized LinkState link(String projectId, String linkId) {
        return links.getOrDefault(projectId, Map.of()).get(linkId);
    }

    public synchronized long seq() {
        return seq;
    }

    // ---- servers -------------------------------------------------------------------------------------------------

    public synchronized void server(ServerState state) {
        if (!state.equals(servers.get(state.serverId()))) {
            servers.put(state.serverId(), state);
            emit("server", "upsert", state.serverId(), null, state.serverId(), state);
        }
    }

    public synchronized void serverLoad(String serverId, Double cpu, Double memory) {
        ServerState old = servers.get(serverId);
        server((old == null ? unknownServer(serverId) : old).withLoad(cpu, memory));
    }

    public synchronized void serverHealth(String serverId, String name, String url, String status, Long latencyMs,
                                          String breaker, String error) {
        ServerState old = servers.get(serverId);
        server((old == null ? unknownServer(serverId) : old).named(name, url).withHealth(status, latencyMs, breaker, error));
    }

    private static ServerState unknownServer(String serverId) {
        return new ServerState(serverId, null, null, "UNKNOWN", null, null, null, null, null);
    }

    // ---- labs ----------------------------------------------------------------------------------------------------

    /** A GNS3 project object (from a notification or a list). */
    public synchronized void project(String serverId, JsonNode project) {
        String id = text(project, "project_id");
        if (id == null) {
            return;
        }
        LabState old = labs.get(id);
        String status = text(project, "status");
        String name = text(project, "name");
        LabState lab = new LabState(id, serverId != null ? serverId : old == null ? null : old.serverId(),
                name != null ? name : old == null ? null : old.name(),
                status != null ? status : old == null ? "opened" : old.status(), 0, 0, 0,
                old == null ? null : old.tags());
        putLab(lab);
        if ("closed".equals(lab.status())) {
            clearContents(id);
        }
    }

    /** Each lab's owner (project-service's), for who may see it in a stream (docs/security.md). */
    private final Map<String, String> owners = new java.util.concurrent.ConcurrentHashMap<>();

    public void labOwner(String projectId, String owner) {
        if (projectId != null && owner != null) {
            owners.put(projectId, owner);
        }
    }

    /** Whether the caller may see lab {@code projectId}: its owner, its groups' members, admins. */
    public boolean visible(io.quarkus.security.identity.SecurityIdentity caller, String projectId) {
        if (dev.labfleet.support.security.LabAccess.seesAll(caller)) {
            return true;
        }
        LabState lab = labs.get(projectId);
        return dev.labfleet.support.security.LabAccess.canSee(caller, owners.get(projectId),
                lab == null || lab.tags() == null ? List.of() : lab.tags());
    }

    /** Name and tags from project-service (its ids are GNS3's project ids). */
    public synchronized void labMeta(String projectId, String serverId, String name, List<String> tags) {
        LabState old = labs.get(projectId);
        LabState lab = old == null
                ? new LabState(projectId, serverId, name, "closed", 0, 0, 0, tags)
                : new LabState(projectId, old.serverId() == null ? serverId : old.serverId(),
                name == null ? old.name() : name, old.status(), 0, 0, 0, tags == null ? old.tags() : tags);
        putLab(lab);
    }

    public synchronized void labDeleted(String projectId) {
        clearContents(projectId);
        if (labs.remove(projectId) != null) {
            emit("lab", "delete", projectId, projectId, projectId, null);
        }
        extras.values().removeIf(d -> {
            boolean gone = projectId.equals(d.projectId()) && !d.kind().equals("activeLab");
            if (gone) {
                extraStates.remove(d.key());
            }
            return gone;
        });
    }

    /** Replaces a lab's nodes and links by what GNS3 has now, emitting only the differences. */
    public synchronized void replaceLab(String serverId, JsonNode project, JsonNode nodeList, JsonNode linkList) {
        project(serverId, project);
        String id = text(project, "project_id");
        if (id == null) {
            return;
        }
        Map<String, NodeState> keepNodes = new HashMap<>();
        for (JsonNode n : iterable(nodeList)) {
            NodeState s = nodeState(id, n);
            if (s != null) {
                keepNodes.put(s.nodeId(), s);
            }
        }
        Map<String, LinkState> keepLinks = new HashMap<>();
        for (JsonNode l : iterable(linkList)) {
            LinkState s = linkState(id, l);
            if (s != null) {
                keepLinks.put(s.linkId(), s);
            }
        }
        for (String gone : new ArrayList<>(links.getOrDefault(id, Map.of()).keySet())) {
            if (!keepLinks.containsKey(gone)) {
                removeLink(id, gone);
            }
        }
        for (String gone : new ArrayList<>(nodes.getOrDefault(id, Map.of()).keySet())) {
            if (!keepNodes.containsKey(gone)) {
                removeNode(id, gone);
            }
        }
        keepNodes.values().forEach(this::putNode);
        keepLinks.values().forEach(this::putLink);
        recount(id);
    }

    /** Drops labs of {@code serverId} that are not in {@code present} (after a resync of that server). */
    public synchronized void retainLabs(String serverId, java.util.Set<String> present) {
        for (LabState lab : List.copyOf(labs.values())) {
            if (serverId.equals(lab.serverId()) && !present.contains(lab.projectId())) {
                labDeleted(lab.projectId());
            }
        }
    }

    // ---- nodes and links -----------------------------------------------------------------------------------------

    public synchronized void node(String serverId, JsonNode node) {
        String projectId = text(node, "project_id");
        NodeState s = projectId == null ? null : nodeState(projectId, node);
        if (s == null) {
            return;
        }
        ensureLab(projectId, serverId);
        NodeState old = nodes.getOrDefault(projectId, Map.of()).get(s.nodeId());
        if (old != null) {
            // GNS3's partial notifications: keep what this one leaves out
            s = new NodeState(s.nodeId(), projectId, s.name() == null ? old.name() : s.name(),
                    s.nodeType() == null ? old.nodeType() : s.nodeType(), s.status() == null ? old.status() : s.status(),
                    s.x() == null ? old.x() : s.x(), s.y() == null ? old.y() : s.y());
        }
        putNode(s);
        recount(projectId);
    }

    public synchronized void nodeDeleted(String projectId, String nodeId) {
        if (projectId != null && nodeId != null && removeNode(projectId, nodeId)) {
            recount(projectId);
        }
    }

    public synchronized void link(String serverId, JsonNode link) {
        String projectId = text(link, "project_id");
        LinkState s = projectId == null ? null : linkState(projectId, link);
        if (s == null) {
            return;
        }
        ensureLab(projectId, serverId);
        putLink(s);
        recount(projectId);
    }

    public synchronized void linkDeleted(String projectId, String linkId) {
        if (projectId != null && linkId != null && removeLink(projectId, linkId)) {
            recount(projectId);
        }
    }

    // ---- other kinds (traffic, health, anomalies, switches) ------------------------------------------------------

    /** A delta of another kind; with {@code retain}, its latest state is part of snapshots. */
    public synchronized void publish(String kind, String id, String projectId, Object state, boolean retain) {
        Delta d = emit(kind, "upsert", id, projectId, kind + ":" + id, state);
        if (retain) {
            extras.put(d.key(), d);
            extraStates.put(d.key(), state);
        }
    }

    /** The latest retained state of another kind ({@code traffic}, {@code labTraffic}, {@code health}...). */
    public synchronized Object latest(String kind, String id) {
        return extraStates.get(kind + ":" + id);
    }

    // ---- snapshots and sinks -------------------------------------------------------------------------------------

    /**
     * Registers {@code sink} and returns what it must send first: a snapshot (null {@code since}, or a sequence this
     * replica no longer holds or never gave), or the retained deltas after {@code since}.
     */
    public synchronized Start register(DeltaSink sink, Long since, String sinceEpoch) {
        sinks.add(sink);
        if (since != null && epoch.equals(sinceEpoch) && since <= seq
                && (since >= seq || (!recent.isEmpty() && recent.peekFirst().seq() <= since + 1))) {
            List<Delta> missed = new ArrayList<>();
            for (Delta d : recent) {
                if (d.seq() > since && sink.subscription().wants(d)) {
                    missed.add(d);
                }
            }
            return new Start(null, missed);
        }
        return new Start(snapshot(sink.subscription()), List.of());
    }

    public void unregister(DeltaSink sink) {
        sinks.remove(sink);
    }

    public int sinkCount() {
        return sinks.size();
    }

    /** What to send a new client: a snapshot message, or deltas it missed. */
    public record Start(String snapshot, List<Delta> missed) {
    }

    private String snapshot(Subscription sub) {
        ObjectNode out = json.createObjectNode();
        out.put("type", "snapshot").put("epoch", epoch).put("seq", seq);
        switch (sub.scope()) {
            case FLEET -> {
                out.set("servers", json.valueToTree(servers.values()));
                out.set("labs", json.valueToTree(labs.values().stream()
                        .filter(l -> sub.visible().test(l.projectId())).toList()));
            }
            case PROJECT -> {
                out.set("lab", json.valueToTree(labs.get(sub.projectId())));
                out.set("nodes", json.valueToTree(nodes.getOrDefault(sub.projectId(), Map.of()).values()));
                out.set("links", json.valueToTree(links.getOrDefault(sub.projectId(), Map.of()).values()));
            }
            case NODES -> out.set("nodes", json.valueToTree(nodes.getOrDefault(sub.projectId(), Map.of()).values()));
        }
        var extra = out.putArray("items");
        for (Delta d : extras.values()) {
            if (sub.wants(d)) {
                extra.add(json.valueToTree(read(d.json())));
            }
        }
        return out.toString();
    }

    private JsonNode read(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    private void ensureLab(String projectId, String serverId) {
        if (!labs.containsKey(projectId)) {
            putLab(new LabState(projectId, serverId, null, "opened", 0, 0, 0, null));
        }
    }

    private void putLab(LabState lab) {
        String id = lab.projectId();
        Map<String, NodeState> ns = nodes.getOrDefault(id, Map.of());
        LabState counted = new LabState(id, lab.serverId(), lab.name(), lab.status(), ns.size(),
                links.getOrDefault(id, Map.of()).size(), running.getOrDefault(id, 0), lab.tags());
        if (!counted.equals(labs.get(id))) {
            labs.put(id, counted);
            emit("lab", "upsert", id, id, id, counted);
        }
    }

    private void recount(String projectId) {
        LabState lab = labs.get(projectId);
        if (lab != null) {
            putLab(lab);
        }
    }

    private void clearContents(String projectId) {
        for (String l : new ArrayList<>(links.getOrDefault(projectId, Map.of()).keySet())) {
            removeLink(projectId, l);
        }
        for (String n : new ArrayList<>(nodes.getOrDefault(projectId, Map.of()).keySet())) {
            removeNode(projectId, n);
        }
        recount(projectId);
    }

    private void putNode(NodeState s) {
        Map<String, NodeState> ns = nodes.computeIfAbsent(s.projectId(), k -> new LinkedHashMap<>());
        NodeState old = ns.put(s.nodeId(), s);
        countRunning(s.projectId(), old, s);
        if (!s.equals(old)) {
            emit("node", "upsert", s.nodeId(), s.projectId(), "node:" + s.nodeId(), s);
            for (NodeObserver o : observers) {
                o.nodeChanged(old, s);
            }
        }
    }

    private boolean removeNode(String projectId, String nodeId) {
        Map<String, NodeState> ns = nodes.get(projectId);
        NodeState old = ns == null ? null : ns.remove(nodeId);
        if (old == null) {
            return false;
        }
        if (ns.isEmpty()) {
            nodes.remove(projectId);
        }
        countRunning(projectId, old, null);
        emit("node", "delete", nodeId, projectId, "node:" + nodeId, null);
        for (NodeObserver o : observers) {
            o.nodeChanged(old, null);
        }
        return true;
    }

    private void countRunning(String projectId, NodeState before, NodeState after) {
        int delta = (after != null && "started".equals(after.status()) ? 1 : 0)
                - (before != null && "started".equals(before.status()) ? 1 : 0);
        if (delta != 0) {
            running.merge(projectId, delta, Integer::sum);
        }
    }

    private void putLink(LinkState s) {
        Map<String, LinkState> ls = links.computeIfAbsent(s.projectId(), k -> new LinkedHashMap<>());
        LinkState old = ls.put(s.linkId(), s);
        if (!s.equals(old)) {
            emit("link", "upsert", s.linkId(), s.projectId(), "link:" + s.linkId(), s);
        }
    }

    private boolean removeLink(String projectId, String linkId) {
        Map<String, LinkState> ls = links.get(projectId);
        if (ls == null || ls.remove(linkId) == null) {
            return false;
        }
        if (ls.isEmpty()) {
            links.remove(projectId);
        }
        emit("link", "delete", linkId, projectId, "link:" + linkId, null);
        return true;
    }

    private Delta emit(String kind, String op, String id, String projectId, String key, Object state) {
        long n = ++seq;
        ObjectNode msg = json.createObjectNode();
        msg.put("seq", n).put("kind", kind).put("op", op).put("id", id);
        if (projectId != null) {
            msg.put("projectId", projectId);
        }
        if (state != null) {
            msg.set("state", json.valueToTree(state));
        }
        Delta d = new Delta(n, kind, op, "server".equals(kind) || "lab".equals(kind) ? kind + ":" + id : key,
                projectId, msg.toString());
        recent.addLast(d);
        while (recent.size() > resumeBuffer) {
            recent.removeFirst();
        }
        for (DeltaSink sink : sinks) {
            if (sink.subscription().wants(d)) {
                sink.offer(d);
            }
        }
        return d;
    }

    static NodeState nodeState(String projectId, JsonNode n) {
        String id = text(n, "node_id");
        if (id == null) {
            return null;
        }
        return new NodeState(id, projectId, text(n, "name"), text(n, "node_type"), text(n, "status"),
                n.hasNonNull("x") ? n.get("x").asInt() : null, n.hasNonNull("y") ? n.get("y").asInt() : null);
    }

    static LinkState linkState(String projectId, JsonNode l) {
        String id = text(l, "link_id");
        if (id == null) {
            return null;
        }
        List<LinkState.End> ends = new ArrayList<>();
        for (JsonNode e : iterable(l.get("nodes"))) {
            String nodeId = text(e, "node_id");
            if (nodeId != null) {
                ends.add(new LinkState.End(nodeId, e.path("adapter_number").asInt(), e.path("port_number").asInt()));
            }
        }
        return new LinkState(id, projectId, List.copyOf(ends), l.path("suspend").asBoolean(false),
                l.path("capturing").asBoolean(false));
    }

    static Iterable<JsonNode> iterable(JsonNode n) {
        if (n != null && n.has("items") && n.get("items").isArray()) {
            return n.get("items");
        }
        return n != null && n.isArray() ? n : List.of();
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n == null ? null : n.get(field);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }

    static boolean same(Object a, Object b) {
        return Objects.equals(a, b);
    }

    /** For callers outside the model: runs {@code action} between two deltas. */
    public synchronized void atomically(Consumer<FleetModel> action) {
        action.accept(this);
    }
}
