package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.messaging.TopologyEvents;
import dev.labfleet.topology.spec.LinkConditions;
import dev.labfleet.topology.spec.LinkFilters;
import dev.labfleet.topology.spec.NodeTypes;
import dev.labfleet.topology.spec.PortLayout;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * A lab's links: list and read (lists cached by {@link TopologyCache}), create between two free ports named by
 * numbers or by port names, delete, conditions (GNS3 link filters), suspend and resume, packet capture and its pcap
 * stream. Topology writes clear the project's cache and record a {@code lab.topology.link-*} event.
 */
@ApplicationScoped
public class LinkService {

    private final LabClient labs;
    private final GatewayClient gateway;
    private final TopologyCache cache;
    private final TopologyEvents events;
    private final ObjectMapper mapper;
    private final LinkSuspensions suspensions;

    public LinkService(LabClient labs, GatewayClient gateway, TopologyCache cache, TopologyEvents events,
                       ObjectMapper mapper, LinkSuspensions suspensions) {
        this.labs = labs;
        this.gateway = gateway;
        this.cache = cache;
        this.events = events;
        this.mapper = mapper;
        this.suspensions = suspensions;
    }

    private Uni<UUID> serverOf(UUID projectId) {
        return labs.project(projectId).map(project -> UUID.fromString(project.path("serverId").asText()));
    }

    public Uni<List<LabLink>> list(UUID projectId) {
        return serverOf(projectId).chain(serverId -> Uni.combine().all()
                .unis(cache.links(serverId, projectId), cache.nodes(serverId, projectId)).asTuple()
                .map(t -> {
                    Map<String, JsonNode> nodes = byId(t.getItem2());
                    List<LabLink> views = new ArrayList<>();
                    t.getItem1().forEach(link -> views.add(view(projectId, link, nodes)));
                    return views;
                }));
    }

    public Uni<LabLink> get(UUID projectId, UUID linkId) {
        return serverOf(projectId).chain(serverId -> read(serverId, projectId, linkId)
                .chain(link -> cache.nodes(serverId, projectId).map(nodes -> view(projectId, link, byId(nodes)))));
    }

    /** The created link, and whether it was made now (false: a retry of a create that already succeeded). */
    public record Created(LabLink link, boolean created) {
    }

    public Uni<Created> create(UUID projectId, NewLink request) {
        LinkConditions conditions = request.conditions();
        return serverOf(projectId).chain(serverId -> Uni.combine().all()
                .unis(labs.nodes(serverId, projectId), labs.links(serverId, projectId)).asTuple()
                .chain(t -> {
                    JsonNode nodes = t.getItem1();
                    JsonNode links = t.getItem2();
                    if (request.linkId() != null) {
                        for (JsonNode l : links) {
                            if (l.path("link_id").asText().equals(request.linkId().toString())) {
                                return Uni.createFrom().item(new Created(view(projectId, l, byId(nodes)), false));
                            }
                        }
                    }
                    Endpoint a = resolve("a", request.a(), nodes);
                    Endpoint b = resolve("b", request.b(), nodes);
                    if (a.sameAs(b)) {
                        throw ProblemException.invalid("b", "is the same port as a (" + a.describe() + ")");
                    }
                    checkFree("a", a, links, nodes);
                    checkFree("b", b, links, nodes);
                    ObjectNode body = mapper.createObjectNode();
                    if (request.linkId() != null) {
                        body.put("link_id", request.linkId().toString());
                    }
                    ArrayNode ends = body.putArray("nodes");
                    ends.add(a.json(mapper));
                    ends.add(b.json(mapper));
                    if (conditions != null && !conditions.isEmpty()) {
                        body.set("filters", mapper.valueToTree(LinkFilters.toGns3(conditions)));
                    }
                    if (Boolean.TRUE.equals(request.suspend())) {
                        body.put("suspend", true);
                    }
                    return gateway.post(serverId, "/projects/" + projectId + "/links", body,
                                    "link " + a.describe() + " to " + b.describe())
                            .map(link -> view(projectId, link, byId(nodes)))
                            .call(view -> recorded(projectId, EventTypes.LAB_LINK_CREATED, view))
                            .call(view -> Boolean.TRUE.equals(request.suspend())
                                    ? suspensions.remember(projectId, view.linkId(), true) : Uni.createFrom().voidItem())
                            .map(view -> new Created(view, true));
                }));
    }

    public Uni<Void> delete(UUID projectId, UUID linkId) {
        return serverOf(projectId)
                .chain(serverId -> gateway.delete(serverId, linkPath(projectId, linkId), "delete link " + linkId))
                .chain(() -> Panache.withTransaction(() -> events.publish(projectId, EventTypes.LAB_LINK_DELETED,
                        linkId.toString(), Map.of("link_id", linkId, "project_id", projectId))))
                .call(() -> cache.invalidate(projectId));
    }

    /** Replaces the link's conditions ({@link LinkConditions#NONE} removes them all). */
    public Uni<LabLink> conditions(UUID projectId, UUID linkId, LinkConditions conditions) {
        ObjectNode body = mapper.createObjectNode();
        body.set("filters", mapper.valueToTree(LinkFilters.toGns3(conditions)));
        return update(projectId, linkId, body, "set conditions of link " + linkId);
    }

    public Uni<LabLink> suspend(UUID projectId, UUID linkId, boolean suspend) {
        ObjectNode body = mapper.createObjectNode().put("suspend", suspend);
        return update(projectId, linkId, body, (suspend ? "suspend" : "resume") + " link " + linkId)
                .call(() -> suspensions.remember(projectId, linkId, suspend));
    }

    public Uni<LabLink> startCapture(UUID projectId, UUID linkId, CaptureSettings settings) {
        ObjectNode body = mapper.createObjectNode();
        if (settings != null && settings.captureFileName() != null) {
            body.put("capture_file_name", settings.captureFileName());
        }
        if (settings != null && settings.dataLinkType() != null) {
            body.put("data_link_type", settings.dataLinkType());
        }
        return capture(projectId, linkId, "/start_capture", body, "start capture on link " + linkId);
    }

    public Uni<LabLink> stopCapture(UUID projectId, UUID linkId) {
        return capture(projectId, linkId, "/stop_capture", mapper.createObjectNode(), "stop capture on link " + linkId);
    }

    /** The capture's pcap, opened: fails with the gateway's problem (409 when not capturing) before any byte. */
    public Uni<HttpClientResponse> pcap(UUID projectId, UUID linkId) {
        return serverOf(projectId).chain(serverId -> gateway.stream(serverId, linkPath(projectId, linkId) + "/pcap",
                "read the capture of link " + linkId));
    }

    private Uni<LabLink> capture(UUID projectId, UUID linkId, String action, ObjectNode body, String what) {
        return serverOf(projectId).chain(serverId -> gateway.post(serverId, linkPath(projectId, linkId) + action, body, what)
                        .chain(link -> cache.nodes(serverId, projectId).map(nodes -> view(projectId, link, byId(nodes)))))
                .call(() -> cache.invalidate(projectId));
    }

    private Uni<LabLink> update(UUID projectId, UUID linkId, ObjectNode body, String what) {
        return serverOf(projectId).chain(serverId -> gateway.put(serverId, linkPath(projectId, linkId), body, what)
                        .chain(link -> cache.nodes(serverId, projectId).map(nodes -> view(projectId, link, byId(nodes)))))
                .call(view -> recorded(projectId, EventTypes.LAB_LINK_UPDATED, view));
    }

    private Uni<Void> recorded(UUID projectId, String type, LabLink view) {
        return Panache.withTransaction(() -> events.publish(projectId, type, view.linkId().toString(), view))
                .call(() -> cache.invalidate(projectId));
    }

    private Uni<JsonNode> read(UUID serverId, UUID projectId, UUID linkId) {
        return gateway.get(serverId, linkPath(projectId, linkId), "read link " + linkId);
    }

    /** A resolved link end. */
    record Endpoint(UUID nodeId, String nodeName, PortLayout.Port port) {
        boolean sameAs(Endpoint other) {
            return nodeId.equals(other.nodeId) && port.adapterNumber() == other.port.adapterNumber()
                    && port.portNumber() == other.port.portNumber();
        }

        boolean at(JsonNode end) {
            return nodeId.toString().equals(end.path("node_id").asText())
                    && end.path("adapter_number").asInt(-1) == port.adapterNumber()
                    && end.path("port_number").asInt(-1) == port.portNumber();
        }

        String describe() {
            return nodeName + " " + port.shortName() + " (" + port.address() + ")";
        }

        ObjectNode json(ObjectMapper mapper) {
            return mapper.createObjectNode().put("node_id", nodeId.toString())
                    .put("adapter_number", port.adapterNumber()).put("port_number", port.portNumber());
        }
    }

    /** The node and port a request names; a 400 on the end's path when either does not exist. */
    static Endpoint resolve(String field, NewLink.End end, JsonNode nodes) {
        JsonNode node = findNode(nodes, end.node());
        if (node == null) {
            throw ProblemException.invalid(field + ".node", "no node '" + end.node() + "' in this lab");
        }
        UUID nodeId = UUID.fromString(node.path("node_id").asText());
        String name = node.path("name").asText();
        PortLayout layout = layout(node);
        PortLayout.Port port;
        if (end.adapter() != null) {
            int number;
            try {
                number = Integer.parseInt(end.port().trim());
            } catch (NumberFormatException e) {
                throw ProblemException.invalid(field + ".port", "must be a port number when adapter is given");
            }
            port = layout.at(end.adapter(), number);
            if (port == null) {
                boolean adapterExists = layout.ports().stream().anyMatch(p -> p.adapterNumber() == end.adapter());
                throw ProblemException.invalid(field + (adapterExists ? ".port" : ".adapter"), "no port "
                        + end.adapter() + "/" + number + " on " + name + " (ports: " + layout.describe() + ")");
            }
        } else {
            PortLayout.Resolution resolution = layout.resolve(end.port());
            if (!resolution.ok()) {
                throw ProblemException.invalid(field + ".port", name + ": " + resolution.error());
            }
            port = resolution.port();
        }
        return new Endpoint(nodeId, name, port);
    }

    /** A node by id, by exact name, or else by case-insensitive name. */
    static JsonNode findNode(JsonNode nodes, String nodeOrName) {
        String wanted = nodeOrName.trim();
        JsonNode folded = null;
        for (JsonNode n : nodes) {
            if (n.path("node_id").asText().equalsIgnoreCase(wanted) || n.path("name").asText().equals(wanted)) {
                return n;
            }
            if (folded == null && n.path("name").asText().toLowerCase(Locale.ROOT).equals(wanted.toLowerCase(Locale.ROOT))) {
                folded = n;
            }
        }
        return folded;
    }

    /** The live node's ports as GNS3 reports them; the node type's layout when it reports none. */
    @SuppressWarnings("unchecked")
    static PortLayout layout(JsonNode node) {
        String type = node.path("node_type").asText();
        PortLayout typical;
        try {
            Map<String, Object> properties = node.hasNonNull("properties")
                    ? CloudEventCodec.mapper().convertValue(node.get("properties"), LinkedHashMap.class) : Map.of();
            typical = NodeTypes.layout(type, properties);
        } catch (IllegalArgumentException e) {
            typical = NodeTypes.layout(type, Map.of());
        }
        List<PortLayout.Port> ports = new ArrayList<>();
        for (JsonNode p : node.path("ports")) {
            ports.add(new PortLayout.Port(p.path("name").asText(), p.path("short_name").asText(),
                    p.path("adapter_number").asInt(), p.path("port_number").asInt()));
        }
        if (ports.isEmpty()) {
            return typical;
        }
        PortLayout.Style style = typical.style() == PortLayout.Style.UNCHECKED ? PortLayout.Style.SLOTS : typical.style();
        return PortLayout.of(type, style, ports);
    }

    /** 409 naming the node, the port and the link that holds it. */
    private static void checkFree(String field, Endpoint end, JsonNode links, JsonNode nodes) {
        for (JsonNode link : links) {
            JsonNode ends = link.path("nodes");
            for (JsonNode e : ends) {
                if (end.at(e)) {
                    String other = "";
                    for (JsonNode o : ends) {
                        if (o != e) {
                            JsonNode peer = findNode(nodes, o.path("node_id").asText());
                            other = " to " + (peer == null ? o.path("node_id").asText() : peer.path("name").asText())
                                    + " " + o.path("adapter_number").asInt() + "/" + o.path("port_number").asInt();
                        }
                    }
                    throw new ProblemException(ProblemException.conflict("port " + end.port().shortName() + " ("
                            + end.port().address() + ") of " + end.nodeName() + " is already used by link "
                            + link.path("link_id").asText() + other).problem().with("field", field)
                            .with("nodeId", end.nodeId()).with("linkId", link.path("link_id").asText()));
                }
            }
        }
    }

    private static String linkPath(UUID projectId, UUID linkId) {
        return "/projects/" + projectId + "/links/" + linkId;
    }

    private static Map<String, JsonNode> byId(JsonNode nodes) {
        Map<String, JsonNode> out = new HashMap<>();
        nodes.forEach(n -> out.put(n.path("node_id").asText(), n));
        return out;
    }

    @SuppressWarnings("unchecked")
    static LabLink view(UUID projectId, JsonNode link, Map<String, JsonNode> nodes) {
        List<LabLink.End> ends = new ArrayList<>();
        for (JsonNode e : link.path("nodes")) {
            JsonNode node = nodes.get(e.path("node_id").asText());
            Integer adapter = e.hasNonNull("adapter_number") ? e.get("adapter_number").asInt() : null;
            Integer port = e.hasNonNull("port_number") ? e.get("port_number").asInt() : null;
            String portName = null;
            if (node != null) {
                for (JsonNode p : node.path("ports")) {
                    if (adapter != null && port != null && p.path("adapter_number").asInt() == adapter
                            && p.path("port_number").asInt() == port) {
                        portName = p.path("short_name").asText(p.path("name").asText());
                    }
                }
            }
            ends.add(new LabLink.End(UUID.fromString(e.path("node_id").asText()),
                    node == null ? null : node.path("name").asText(), adapter, port, portName));
        }
        JsonNode filters = link.path("filters").isObject() ? link.get("filters") : null;
        LinkConditions conditions = filters == null ? null : LinkFilters.fromGns3(LinkFilters.normalize(
                CloudEventCodec.mapper().convertValue(filters, LinkedHashMap.class)));
        return new LabLink(UUID.fromString(link.path("link_id").asText()), projectId,
                link.path("link_type").asText(null), ends, conditions, filters, link.path("suspend").asBoolean(false),
                link.path("capturing").asBoolean(false), link.path("capture_file_name").asText(null));
    }
}
