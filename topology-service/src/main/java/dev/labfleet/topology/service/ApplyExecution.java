package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.topology.client.BatchAnswer;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.plan.Action;
import dev.labfleet.topology.plan.LinkChange;
import dev.labfleet.topology.plan.NodeChange;
import dev.labfleet.topology.plan.PlannedLink;
import dev.labfleet.topology.plan.PlannedNode;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.service.ApplyReport.Outcome;
import dev.labfleet.topology.service.ApplyReport.Result;
import dev.labfleet.topology.spec.TemplateCatalogue;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One apply's calls and what they produced. Each step's calls go to the gateway as one batch (or a few, for
 * big labs): the gateway runs them concurrently up to {@code labfleet.topology.apply.concurrency}, never two at
 * once on one node, and answers every call's own result.
 */
final class ApplyExecution {

    private final GatewayClient gateway;
    private final TopologyConfig config;
    private final UUID projectId;
    private final UUID serverId;
    private final TopologyPlan plan;
    private final String base;
    /** Spec node name -> the id the node has after this apply's creates (GNS3's, for template-made nodes). */
    private final Map<String, UUID> createdIds = new ConcurrentHashMap<>();
    /** Names of nodes the plan creates whose create failed: their links are skipped. */
    private final Set<String> notCreated = ConcurrentHashMap.newKeySet();
    /** Batch operation ids, unique within this apply. */
    private int sequence;
    /** False once the lab's apply lock was taken by another apply: no further step goes to the gateway. */
    private final BooleanSupplier held;

    ApplyExecution(GatewayClient gateway, TopologyConfig config, UUID projectId, UUID serverId, TopologyPlan plan,
                   BooleanSupplier held) {
        this.gateway = gateway;
        this.config = config;
        this.projectId = projectId;
        this.serverId = serverId;
        this.plan = plan;
        this.held = held;
        this.base = "/projects/" + projectId;
    }

    private Uni<Void> stillHeld() {
        return held.getAsBoolean() ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(ProblemException.conflict("the apply lock of lab " + projectId
                + " was taken by another apply while this one ran (its heartbeat lapsed): this apply stopped"));
    }

    /** Makes the plan's changes, step by step; every change's result, in the order they were made. */
    Uni<List<Result>> run() {
        List<LinkChange> linkDeletes = plan.links().stream()
                .filter(c -> c.action() == Action.DELETE && !c.cascade()).toList();
        List<LinkChange> cascadeDeletes = plan.links().stream()
                .filter(c -> c.action() == Action.DELETE && c.cascade()).toList();
        List<Result> results = new ArrayList<>();
        return step(linkDeletes, this::deleteLink, (c, body) -> done(c), this::linkDeleteFailed, results)
                .call(this::stillHeld)
                .chain(() -> step(plan.nodes(Action.DELETE), c -> op("DELETE", "/nodes/" + c.nodeId(), null),
                        (c, body) -> done(c, c.nodeId(), null),
                        (c, e) -> status(e) == 404 ? done(c, c.nodeId(), "already gone") : failed(c, c.nodeId(), e),
                        results))
                // GNS3 deletes a node's links with it: these mostly find nothing left to delete
                .call(this::stillHeld)
                .chain(() -> step(cascadeDeletes, this::deleteLink, (c, body) -> done(c), this::linkDeleteFailed,
                        results))
                .call(this::stillHeld)
                // template-made nodes first: their links need the ids GNS3 gives them
                .chain(() -> createNodes(plan.nodes(Action.CREATE).stream().filter(this::fromTemplate).toList())
                        .invoke(results::addAll))
                .call(this::stillHeld)
                .chain(() -> build(results))
                .replaceWith(results);
    }

    /**
     * The rest in one batch, pipelined: nodes made by type (their ids are ours), node updates, link creates and
     * link updates. The gateway runs a call only after the earlier calls on the same nodes, so each link waits
     * for its own two nodes, not for every node of the lab. A link whose node could not be made is reported
     * skipped, as if it had not been tried.
     */
    private Uni<Void> build(List<Result> into) {
        List<NodeChange> creates = plan.nodes(Action.CREATE).stream().filter(c -> !fromTemplate(c)).toList();
        List<NodeChange> updates = plan.nodes(Action.UPDATE);
        List<Result> skipped = new ArrayList<>();
        List<LinkChange> links = new ArrayList<>();
        for (LinkChange c : plan.links(Action.CREATE)) {
            String missing = missingEnd(c);
            if (missing == null) {
                links.add(c);
            } else {
                skipped.add(skippedLink(c, missing));
            }
        }
        List<LinkChange> linkUpdates = plan.links(Action.UPDATE);
        List<BatchOperation> ops = new ArrayList<>();
        creates.forEach(c -> ops.add(createNode(c)));
        updates.forEach(c -> ops.add(updateNode(c)));
        links.forEach(c -> ops.add(createLink(c)));
        linkUpdates.forEach(c -> ops.add(updateLink(c)));
        int u = creates.size();
        int l = u + updates.size();
        int lu = l + links.size();
        return answers(ops).chain(all -> settleCreates(creates, all.subList(0, u)).map(made -> {
            into.addAll(made);
            for (int i = 0; i < updates.size(); i++) {
                Throwable problem = problem(all.get(u + i));
                NodeChange c = updates.get(i);
                into.add(problem == null ? done(c, c.nodeId(), null) : failed(c, c.nodeId(), problem));
            }
            into.addAll(skipped);
            for (int i = 0; i < links.size(); i++) {
                LinkChange c = links.get(i);
                BatchAnswer answer = all.get(l + i);
                Throwable problem = problem(answer);
                String missing = problem == null ? null : missingEnd(c);
                into.add(problem == null ? linkCreated(c, body(answer))
                        : missing != null ? skippedLink(c, missing) : failed(c, problem));
            }
            for (int i = 0; i < linkUpdates.size(); i++) {
                Throwable problem = problem(all.get(lu + i));
                into.add(problem == null ? done(linkUpdates.get(i)) : failed(linkUpdates.get(i), problem));
            }
            return null;
        })).onFailure().recoverWithItem(e -> {
            // the batch itself failed (the gateway unreachable): nothing is known to be done
            creates.forEach(c -> into.add(failedCreate(c, e)));
            updates.forEach(c -> into.add(failed(c, c.nodeId(), e)));
            into.addAll(skipped);
            links.forEach(c -> into.add(failed(c, e)));
            linkUpdates.forEach(c -> into.add(failed(c, e)));
            return null;
        }).replaceWithVoid();
    }

    /** The name of a link's node that this apply could not make, or null. */
    private String missingEnd(LinkChange c) {
        return List.of(c.link().a(), c.link().b()).stream().map(PlannedLink.Endpoint::nodeName)
                .filter(notCreated::contains).findFirst().orElse(null);
    }

    private Result skippedLink(LinkChange c, String missing) {
        return new Result("link", c.action(), c.linkId(), c.description(), c.reason(), Outcome.SKIPPED, null,
                "node " + missing + " was not created");
    }

    /** GNS3 2.2 keeps the link_id it is given on some versions and makes its own on others: report its own. */
    private Result linkCreated(LinkChange c, BatchAnswer.Body body) {
        return new Result("link", c.action(), body.linkId() != null ? UUID.fromString(body.linkId()) : c.linkId(),
                c.description(), c.reason(), Outcome.DONE, null, null);
    }

    /** One step: a call per change, all in one batch; each answer mapped to the change's result. */
    private <C> Uni<Void> step(List<C> changes, Function<C, BatchOperation> call,
                       BiFunction<C, BatchAnswer.Body, Result> ok, BiFunction<C, Throwable, Result> failed,
                       List<Result> into) {
        return answers(changes.stream().map(call).toList()).map(answers -> {
            List<Result> out = new ArrayList<>(changes.size());
            for (int i = 0; i < changes.size(); i++) {
                Throwable problem = problem(answers.get(i));
                out.add(problem == null ? ok.apply(changes.get(i), body(answers.get(i)))
                        : failed.apply(changes.get(i), problem));
            }
            return out;
        }).onFailure().recoverWithItem(e -> changes.stream().map(c -> failed.apply(c, e)).toList())
                .invoke(into::addAll).replaceWithVoid();
    }

    /** The gateway's answers to a batch, in order; an empty batch makes no call. */
    private Uni<List<BatchAnswer>> answers(List<BatchOperation> operations) {
        if (operations.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return gateway.batch(serverId, operations, config.apply().concurrency(), BatchAnswer.Body.FIELDS,
                config.apply().batchSize(), BatchAnswer.class, "apply to lab " + projectId);
    }

    private BatchOperation op(String method, String path, JsonNode body) {
        return new BatchOperation(Integer.toString(sequence++), method, base + path, body);
    }

    private BatchOperation deleteLink(LinkChange c) {
        return op("DELETE", "/links/" + c.linkId(), null);
    }

    private Result linkDeleteFailed(LinkChange c, Throwable e) {
        return status(e) == 404 ? new Result("link", c.action(), c.linkId(), c.description(), c.reason(),
                Outcome.DONE, null, c.cascade() ? "deleted with its node" : "already gone") : failed(c, e);
    }

    /**
     * Creates in one batch: nodes of GNS3's builtin types by node type, with their stable id; the others from
     * their template (which takes no id). A second batch then names and shapes the template-made nodes, and
     * checks the creates GNS3 refused as duplicates (an earlier create whose answer was lost made them).
     */
    private Uni<List<Result>> createNodes(List<NodeChange> creates) {
        return answers(creates.stream().map(this::createNode).toList())
                .chain(answers -> settleCreates(creates, answers))
                .onFailure().recoverWithItem(e -> creates.stream().map(c -> failedCreate(c, e)).toList());
    }

    /** The creates' results from their answers, after a second batch for renames and checks of 409s. */
    private Uni<List<Result>> settleCreates(List<NodeChange> creates, List<BatchAnswer> answers) {
        Result[] results = new Result[creates.size()];
        List<Integer> followUps = new ArrayList<>();
        List<BatchOperation> second = new ArrayList<>();
        for (int i = 0; i < creates.size(); i++) {
            NodeChange c = creates.get(i);
            BatchAnswer answer = answers.get(i);
            Throwable problem = problem(answer);
            if (problem == null && fromTemplate(c)) {
                followUps.add(i);
                second.add(rename(c, body(answer)));
            } else if (problem == null) {
                results[i] = created(c, body(answer));
            } else if (status(problem) == 409 && !fromTemplate(c)) {
                followUps.add(i);
                second.add(op("GET", "/nodes/" + c.node().nodeId(), null));
            } else {
                results[i] = failedCreate(c, problem);
            }
        }
        return answers(second).map(again -> {
            for (int k = 0; k < followUps.size(); k++) {
                int i = followUps.get(k);
                NodeChange c = creates.get(i);
                BatchAnswer answer = again.get(k);
                Throwable problem = problem(answer);
                if (fromTemplate(c)) {
                    results[i] = problem == null ? created(c, body(answer))
                            : notRenamed(c, body(answers.get(i)), problem);
                } else {
                    boolean ours = problem == null && c.name().equals(body(answer).name());
                    results[i] = ours ? created(c, body(answer)) : failedCreate(c, problem(answers.get(i)));
                }
            }
            return List.of(results);
        }).onFailure().recoverWithItem(e -> {
            for (int i = 0; i < creates.size(); i++) {
                if (results[i] == null) {
                    results[i] = failedCreate(creates.get(i), e);
                }
            }
            return List.of(results);
        });
    }

    private boolean fromTemplate(NodeChange c) {
        return c.node().templateId() != null && !BUILTIN_TEMPLATES.contains(c.node().templateId());
    }

    private BatchOperation createNode(NodeChange c) {
        PlannedNode n = c.node();
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        if (fromTemplate(c)) {
            // a template's node gets GNS3's id and name; it is then named and shaped as the spec says
            body.put("compute_id", "local");
            body.put("x", n.x() == null ? 0 : n.x());
            body.put("y", n.y() == null ? 0 : n.y());
            return op("POST", "/templates/" + n.templateId(), body);
        }
        body.put("node_id", n.nodeId().toString());
        body.put("name", n.name());
        body.put("node_type", n.nodeType());
        body.put("compute_id", "local");
        putPosition(body, n);
        if (n.properties() != null && !n.properties().isEmpty()) {
            // written straight from the spec's values when the batch is sent (no tree built per node)
            body.putPOJO("properties", n.properties());
        }
        return op("POST", "/nodes", body);
    }

    private BatchOperation rename(NodeChange c, BatchAnswer.Body node) {
        ObjectNode update = CloudEventCodec.mapper().createObjectNode();
        update.put("name", c.node().name());
        if (c.node().properties() != null && !c.node().properties().isEmpty()) {
            update.set("properties", CloudEventCodec.mapper().valueToTree(c.node().properties()));
        }
        return op("PUT", "/nodes/" + node.nodeId(), update);
    }

    private Result notRenamed(NodeChange c, BatchAnswer.Body node, Throwable e) {
        notCreated.add(c.name());
        return new Result("node", c.action(), UUID.fromString(node.nodeId()), c.name(), c.reason(),
                Outcome.FAILED, status(e), "created from its template as " + node.name()
                + " but not renamed: " + detail(e));
    }

    private Result created(NodeChange c, BatchAnswer.Body node) {
        UUID id = UUID.fromString(node.nodeId());
        createdIds.put(c.name(), id);
        return done(c, id, null);
    }

    private Result failedCreate(NodeChange c, Throwable e) {
        notCreated.add(c.name());
        return failed(c, c.nodeId(), e);
    }

    private BatchOperation updateNode(NodeChange c) {
        PlannedNode n = c.node();
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        if (n.name() != null) {
            body.put("name", n.name());
        }
        putPosition(body, n);
        if (n.properties() != null && !n.properties().isEmpty()) {
            body.set("properties", CloudEventCodec.mapper().valueToTree(n.properties()));
        }
        return op("PUT", "/nodes/" + c.nodeId(), body);
    }

    private BatchOperation createLink(LinkChange c) {
        PlannedLink link = c.link();
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        body.put("link_id", link.linkId().toString());
        var ends = body.putArray("nodes");
        for (PlannedLink.Endpoint end : List.of(link.a(), link.b())) {
            ends.addObject().put("node_id", createdIds.getOrDefault(end.nodeName(), end.nodeId()).toString())
                    .put("adapter_number", end.adapterNumber()).put("port_number", end.portNumber());
        }
        if (link.filters() != null && !link.filters().isEmpty()) {
            body.set("filters", CloudEventCodec.mapper().valueToTree(link.filters()));
        }
        if (Boolean.TRUE.equals(link.suspend())) {
            body.put("suspend", true);
        }
        return op("POST", "/links", body);
    }

    private BatchOperation updateLink(LinkChange c) {
        PlannedLink link = c.link();
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        if (link.filters() != null) {
            body.set("filters", CloudEventCodec.mapper().valueToTree(link.filters()));
        }
        if (link.suspend() != null) {
            body.put("suspend", link.suspend());
        }
        return op("PUT", "/links/" + c.linkId(), body);
    }
    /** A failed batch answer as the problem the single call would have raised; null for a success. */
    private static ProblemException problem(BatchAnswer answer) {
        int status = answer.status();
        if (status < 400) {
            return null;
        }
        ProblemTypes.Kind kind = ProblemTypes.forStatus(status);
        String detail = answer.problem() == null || answer.problem().detail() == null ? "GNS3 answered " + status
                : answer.problem().detail();
        return new ProblemException(new Problem(kind.type(), kind.title(), status, detail, null, null, null, null));
    }

    /** A successful answer's body; an empty one when GNS3 answered none (a 204). */
    private static BatchAnswer.Body body(BatchAnswer answer) {
        return answer.body() != null ? answer.body() : new BatchAnswer.Body(null, null, null);
    }

    /** GNS3's builtin templates: their nodes are made by node type, with a stable id (template creates take none). */
    private static final Set<UUID> BUILTIN_TEMPLATES = Set.copyOf(TemplateCatalogue.BUILTIN.stream()
            .map(t -> t.templateId()).toList());

    private static void putPosition(ObjectNode body, PlannedNode n) {
        if (n.x() != null) {
            body.put("x", n.x());
        }
        if (n.y() != null) {
            body.put("y", n.y());
        }
    }

    private static Result done(NodeChange c, UUID id, String detail) {
        return new Result("node", c.action(), id, c.name(), c.reason(), Outcome.DONE, null, detail);
    }

    private static Result failed(NodeChange c, UUID id, Throwable e) {
        return new Result("node", c.action(), id, c.name(), c.reason(), Outcome.FAILED, status(e), detail(e));
    }

    private static Result done(LinkChange c) {
        return new Result("link", c.action(), c.linkId(), c.description(), c.reason(), Outcome.DONE, null, null);
    }

    private static Result failed(LinkChange c, Throwable e) {
        return new Result("link", c.action(), c.linkId(), c.description(), c.reason(), Outcome.FAILED, status(e),
                detail(e));
    }

    private static int status(Throwable e) {
        return e instanceof ProblemException p ? p.problem().status() : 502;
    }

    private static String detail(Throwable e) {
        return e instanceof ProblemException p ? p.problem().detail()
                : "failed: " + dev.labfleet.common.problem.UpstreamProblems.describe(e);
    }
}
