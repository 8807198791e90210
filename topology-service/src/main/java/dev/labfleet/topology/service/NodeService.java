package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.gns3.LenientInteger;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.messaging.TopologyEvents;
import dev.labfleet.topology.repository.NodeLabelsRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A lab's nodes, one at a time, on its GNS3 server (through the gateway): list and read (lists cached by
 * {@link TopologyCache}), create from a template or a node type, update, delete, start/stop/suspend/reload and
 * console. Every write clears the project's cache and records a {@code lab.topology.node-*} event with the labels.
 */
@ApplicationScoped
public class NodeService {

    /** GNS3's node actions. */
    public enum Action {
        START, STOP, SUSPEND, RELOAD;

        String path() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final LabClient labs;
    private final GatewayClient gateway;
    private final TopologyCache cache;
    private final TemplateCatalogueService templates;
    private final NodeLabelsRepository labels;
    private final TopologyEvents events;
    private final ObjectMapper mapper;
    private final TopologyConfig config;

    public NodeService(LabClient labs, GatewayClient gateway, TopologyCache cache, TemplateCatalogueService templates,
                       NodeLabelsRepository labels, TopologyEvents events, ObjectMapper mapper, TopologyConfig config) {
        this.labs = labs;
        this.gateway = gateway;
        this.cache = cache;
        this.templates = templates;
        this.labels = labels;
        this.events = events;
        this.mapper = mapper;
        this.config = config;
    }

    /** The lab's GNS3 server (a 404 problem for an unknown lab). */
    Uni<UUID> serverOf(UUID projectId) {
        return labs.project(projectId).map(project -> UUID.fromString(project.path("serverId").asText()));
    }

    public Uni<List<LabNode>> list(UUID projectId) {
        return serverOf(projectId).chain(serverId -> cache.nodes(serverId, projectId))
                .chain(nodes -> labels.forProject(projectId).map(all -> {
                    List<LabNode> views = new ArrayList<>();
                    for (JsonNode node : nodes) {
                        LabNode view = view(node);
                        views.add(view.withLabels(all.get(view.nodeId())));
                    }
                    return views;
                }));
    }

    public Uni<LabNode> get(UUID projectId, UUID nodeId) {
        return serverOf(projectId).chain(serverId -> read(serverId, projectId, nodeId))
                .chain(node -> withLabels(projectId, view(node)));
    }

    /** The created node, and whether it was made now (false: a retry of a create that already succeeded). */
    public record Created(LabNode node, boolean created) {
    }

    public Uni<Created> create(UUID projectId, NewNode request) {
        boolean byTemplate = request.template() != null && !request.template().isBlank();
        boolean byType = request.nodeType() != null;
        if (byTemplate == byType) {
            throw ProblemException.invalid(byTemplate ? "node_type" : "template",
                    "give exactly one of template or node_type");
        }
        if (byTemplate && request.nodeId() != null) {
            throw ProblemException.invalid("node_id", "GNS3 chooses the id of a node made from a template; "
                    + "give node_id with node_type only");
        }
        return serverOf(projectId).chain(serverId -> replayed(serverId, projectId, request).chain(previous -> {
            if (previous != null) {
                return Panache.withTransaction(() -> labels.replace(projectId, previous.nodeId(), request.labels()))
                        .replaceWith(new Created(previous.withLabels(request.labels()), false));
            }
            return labs.nodes(serverId, projectId).chain(nodes -> {
                        nameFree(nodes, request.name(), null);
                        return byTemplate ? fromTemplate(serverId, projectId, request) : fromType(serverId, projectId, request);
                    })
                    .map(NodeService::view)
                    .chain(node -> Panache.withTransaction(() -> labels.replace(projectId, node.nodeId(), request.labels())
                                    .chain(() -> events.publish(projectId, EventTypes.LAB_NODE_CREATED,
                                            node.nodeId().toString(), node.withLabels(request.labels()))))
                            .call(() -> cache.invalidate(projectId))
                            .replaceWith(new Created(node.withLabels(request.labels()), true)));
        }));
    }

    public Uni<LabNode> update(UUID projectId, UUID nodeId, NodeEdit request) {
        ObjectNode body = mapper.createObjectNode();
        if (request.name() != null) {
            body.put("name", request.name());
        }
        if (request.x() != null) {
            body.put("x", request.x());
        }
        if (request.y() != null) {
            body.put("y", request.y());
        }
        if (request.properties() != null) {
            body.set("properties", mapper.valueToTree(request.properties()));
        }
        return serverOf(projectId).chain(serverId -> {
            Uni<JsonNode> check = request.name() == null ? Uni.createFrom().nullItem()
                    : labs.nodes(serverId, projectId).invoke(nodes -> nameFree(nodes, request.name(), nodeId));
            return check.chain(() -> body.isEmpty() ? read(serverId, projectId, nodeId)
                    : gateway.put(serverId, nodePath(projectId, nodeId), body, "update node " + nodeId));
        }).map(NodeService::view).chain(node -> Panache.withTransaction(() ->
                        (request.labels() == null ? Uni.createFrom().voidItem()
                                : labels.replace(projectId, nodeId, request.labels()))
                                .chain(() -> labels.forNode(projectId, nodeId))
                                .call(current -> events.publish(projectId, EventTypes.LAB_NODE_UPDATED,
                                        nodeId.toString(), node.withLabels(current))))
                .call(() -> cache.invalidate(projectId))
                .map(node::withLabels));
    }

    public Uni<Void> delete(UUID projectId, UUID nodeId) {
        return serverOf(projectId)
                .chain(serverId -> gateway.delete(serverId, nodePath(projectId, nodeId), "delete node " + nodeId))
                .chain(() -> Panache.withTransaction(() -> labels.remove(projectId, nodeId)
                        .chain(() -> events.publish(projectId, EventTypes.LAB_NODE_DELETED, nodeId.toString(),
                                Map.of("node_id", nodeId, "project_id", projectId)))))
                .call(() -> cache.invalidate(projectId));
    }

    /** Starts, stops, suspends or reloads a node; answers the node as GNS3 reports it after the action. */
    public Uni<LabNode> act(UUID projectId, UUID nodeId, Action action) {
        return serverOf(projectId)
                .chain(serverId -> gateway.call(HttpMethod.POST, serverId, nodePath(projectId, nodeId) + "/" + action.path(),
                        mapper.createObjectNode(), action.path() + " node " + nodeId, config.gateway().lifecycleTimeout()))
                .call(() -> cache.invalidate(projectId))
                .chain(node -> withLabels(projectId, view(node)));
    }

    /** Where the node's console listens; 409 when the node has none (hubs, clouds, switches). */
    public Uni<NodeConsole> console(UUID projectId, UUID nodeId) {
        return serverOf(projectId).chain(serverId -> read(serverId, projectId, nodeId)).map(node -> {
            String type = node.path("console_type").asText(null);
            Integer port = LenientInteger.of(node.get("console"));
            if (type == null || type.equals("none") || port == null) {
                throw ProblemException.conflict("node " + node.path("name").asText() + " has no console (console_type "
                        + type + ")");
            }
            return new NodeConsole(nodeId, node.path("name").asText(), type, node.path("console_host").asText(null),
                    port, node.path("console_auto_start").asBoolean(false));
        });
    }

    private Uni<JsonNode> read(UUID serverId, UUID projectId, UUID nodeId) {
        return gateway.get(serverId, nodePath(projectId, nodeId), "read node " + nodeId);
    }

    /** The node a retried create made, or null when there is none yet; 409 when its id belongs to another node. */
    private Uni<LabNode> replayed(UUID serverId, UUID projectId, NewNode request) {
        if (request.nodeId() == null) {
            return Uni.createFrom().nullItem();
        }
        return read(serverId, projectId, request.nodeId())
                .map(NodeService::view)
                .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 404).recoverWithNull()
                .map(existing -> {
                    if (existing != null && (!existing.name().equals(request.name())
                            || !existing.nodeType().equals(request.nodeType()))) {
                        throw ProblemException.conflict("node_id " + request.nodeId() + " is already node "
                                + existing.name() + " (" + existing.nodeType() + ")");
                    }
                    return existing;
                });
    }

    private Uni<JsonNode> fromType(UUID serverId, UUID projectId, NewNode request) {
        ObjectNode body = mapper.createObjectNode();
        if (request.nodeId() != null) {
            body.put("node_id", request.nodeId().toString());
        }
        body.put("name", request.name());
        body.put("node_type", request.nodeType());
        body.put("compute_id", request.computeId() == null ? "local" : request.computeId());
        body.put("x", request.x() == null ? 0 : request.x());
        body.put("y", request.y() == null ? 0 : request.y());
        if (request.properties() != null && !request.properties().isEmpty()) {
            body.set("properties", mapper.valueToTree(request.properties()));
        }
        return gateway.post(serverId, "/projects/" + projectId + "/nodes", body, "create node " + request.name());
    }

    /**
     * GNS3 2.2 makes a template's node with a name of the template's choosing and no properties of the request's:
     * both are set right after, with one update.
     */
    private Uni<JsonNode> fromTemplate(UUID serverId, UUID projectId, NewNode request) {
        return templates.resolve("template", request.template(), serverId).chain(template -> {
            ObjectNode body = mapper.createObjectNode();
            body.put("x", request.x() == null ? 0 : request.x());
            body.put("y", request.y() == null ? 0 : request.y());
            body.put("compute_id", request.computeId() == null ? "local" : request.computeId());
            body.put("name", request.name());
            return gateway.post(serverId, "/projects/" + projectId + "/templates/" + template.templateId(), body,
                    "create node " + request.name() + " from template " + template.name());
        }).chain(node -> {
            boolean renamed = !request.name().equals(node.path("name").asText());
            boolean shaped = request.properties() != null && !request.properties().isEmpty();
            if (!renamed && !shaped) {
                return Uni.createFrom().item(node);
            }
            ObjectNode update = mapper.createObjectNode().put("name", request.name());
            if (shaped) {
                update.set("properties", mapper.valueToTree(request.properties()));
            }
            return gateway.put(serverId, nodePath(projectId, UUID.fromString(node.path("node_id").asText())), update,
                    "name node " + request.name());
        });
    }

    private static void nameFree(JsonNode nodes, String name, UUID self) {
        for (JsonNode n : nodes) {
            if (n.path("name").asText().equals(name) && (self == null || !self.toString().equals(n.path("node_id").asText()))) {
                throw ProblemException.conflict("the lab already has a node named " + name + " (node_id "
                        + n.path("node_id").asText() + ")");
            }
        }
    }

    private Uni<LabNode> withLabels(UUID projectId, LabNode view) {
        return labels.forNode(projectId, view.nodeId()).map(view::withLabels);
    }

    static LabNode view(JsonNode gns3) {
        return dev.labfleet.common.event.CloudEventCodec.mapper().convertValue(gns3, LabNode.class);
    }

    private static String nodePath(UUID projectId, UUID nodeId) {
        return "/projects/" + projectId + "/nodes/" + nodeId;
    }
}
