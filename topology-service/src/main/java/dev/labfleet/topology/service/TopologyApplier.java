package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.gns3.BatchOperation;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.topology.client.BatchAnswer;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.domain.AppliedTopology;
import dev.labfleet.topology.domain.ApplyOperation;
import dev.labfleet.topology.domain.ApplyStatus;
import dev.labfleet.topology.messaging.TopologyEvents;
import dev.labfleet.topology.plan.Action;
import dev.labfleet.topology.plan.LinkChange;
import dev.labfleet.topology.plan.NodeChange;
import dev.labfleet.topology.plan.PlannedLink;
import dev.labfleet.topology.plan.PlannedNode;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.plan.TopologyPlanner;
import dev.labfleet.topology.repository.AppliedTopologyRepository;
import dev.labfleet.topology.rest.ApplyOperationView;
import dev.labfleet.topology.rest.ApplyReport;
import dev.labfleet.topology.rest.ApplyReport.Outcome;
import dev.labfleet.topology.rest.ApplyReport.Result;
import dev.labfleet.topology.spec.ResolvedTopology;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Applies a spec to a lab: validates it (400 with every problem, nothing applied), plans it against the live lab
 * read fresh from GNS3, then makes the plan's changes through the gateway in batches: link deletes, node deletes,
 * creates of template-made nodes (GNS3 picks their ids), then the rest pipelined in one batch (nodes made by type,
 * node updates, link creates, link updates: each call waits only for the earlier calls on its own nodes), up to
 * {@code labfleet.topology.apply.concurrency} calls at once and never two at once on one node. A change that fails
 * does not stop the others; a link whose node could not be made is reported skipped. Every result is reported,
 * the spec is recorded as the lab's desired state (for drift) and a {@code lab.topology.applied} event leaves
 * through the outbox with the record.
 *
 * <p>Idempotent: nodes and links are created with stable ids derived from the project and their names, so a retry
 * or a re-apply after a partial failure creates only what is missing, and a lab that already is as the spec says
 * costs two GNS3 reads and no write.
 */
@ApplicationScoped
public class TopologyApplier {

    private static final Logger LOG = Logger.getLogger(TopologyApplier.class);
    private static final int MAX_FAILURES_IN_EVENT = 50;

    private final LabClient labs;
    private final GatewayClient gateway;
    private final TemplateCatalogueService templates;
    private final AppliedTopologyRepository applied;
    private final TopologyEvents events;
    private final TopologyConfig config;
    private final MeterRegistry meters;
    private final TopologyCache cache;
    private final ApplyRuns runs;
    private final String replica = "topology-" + UUID.randomUUID();

    public TopologyApplier(LabClient labs, GatewayClient gateway, TemplateCatalogueService templates,
                           AppliedTopologyRepository applied, TopologyEvents events, TopologyConfig config,
                           MeterRegistry meters, TopologyCache cache, ApplyRuns runs) {
        this.labs = labs;
        this.gateway = gateway;
        this.templates = templates;
        this.applied = applied;
        this.events = events;
        this.config = config;
        this.meters = meters;
        this.cache = cache;
        this.runs = runs;
    }

    /** An accepted apply: its operation as accepted (running), and its outcome when the background run ends. */
    public record Started(ApplyOperationView accepted, CompletableFuture<ApplyOperationView> finished) {
    }

    /**
     * Checks the spec and the lab, takes the lab's apply lock, records the apply as a running operation and runs it
     * in the background ({@link ApplyRuns}): the caller may answer at once (202) or wait for {@link Started#finished()}.
     *
     * @param user who applies (recorded with the spec), or null
     * @throws ProblemException 400 for an invalid spec, 404 for an unknown lab, 409 while another apply of the
     *                          same lab runs, 502/503/504 when the lab cannot be read
     */
    public Uni<Started> begin(UUID projectId, String specText, String mediaType, String user) {
        long received = System.nanoTime();
        TopologySpec spec = SpecCodec.parse(specText, SpecCodec.Format.ofMediaType(mediaType));
        // the catalogue and the lab are looked up at once; an invalid spec is still reported before an unknown lab
        Uni<Lookup> lab = labs.project(projectId).map(p -> new Lookup(p, null))
                .onFailure().recoverWithItem(e -> new Lookup(null, e));
        return Uni.combine().all().unis(templates.catalogue(), lab).asTuple().chain(both -> {
            TemplateCatalogue catalogue = both.getItem1();
            ResolvedTopology resolved = new SpecResolver(catalogue).resolveOrThrow(spec);
            return both.getItem2().get().chain(project -> {
                UUID serverId = UUID.fromString(project.path("serverId").asText());
                String status = project.path("status").asText("");
                if (status.equalsIgnoreCase("closed") || status.equalsIgnoreCase("missing")) {
                    // GNS3 refuses every write to a closed project: say so once instead of failing each object
                    return Uni.createFrom().failure(ProblemException.conflict("lab " + projectId + " is " + status
                            + (status.equalsIgnoreCase("closed") ? ": open it (POST /api/v1/projects/" + projectId
                            + "/open) before applying a spec" : " on its GNS3 server")));
                }
                UUID applyId = UUID.randomUUID();
                String owner = replica + "/" + applyId;
                return applied.lock(projectId, owner, config.apply().lockLease()).chain(locked -> {
                    if (!locked) {
                        return Uni.createFrom().failure(ProblemException.conflict(
                                "another apply of lab " + projectId + " is running; apply again when it has ended"));
                    }
                    Uni<Void> release = Uni.combine().all().unis(
                            cache.invalidate(projectId).onFailure().recoverWithNull(),
                            applied.unlock(projectId, owner)
                                    .onFailure().invoke(e -> LOG.warnf("apply lock of %s not released: %s",
                                            projectId, e))
                                    .onFailure().recoverWithNull()).discardItems();
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    ApplyOperation op = new ApplyOperation();
                    op.id = applyId;
                    op.projectId = projectId;
                    op.status = ApplyOperation.RUNNING;
                    op.appliedBy = user;
                    op.owner = owner;
                    op.leaseUntil = now.plus(config.apply().lockLease());
                    op.createdAt = now;
                    return Panache.withTransaction(() -> op.persist())
                            .onFailure().call(() -> release)
                            .map(ignored -> new Started(ApplyOperationView.of(op, null),
                                    runs.launch(applyId, projectId, owner, () -> run(applyId, owner, projectId,
                                                    serverId, spec, resolved, catalogue, user, received)
                                            // the lab changed (or may have, if the apply failed half-way): cached
                                            // reads are stale; both are done at once
                                            .onFailure().call(e -> fail(applyId, owner, e))
                                            .eventually(() -> release))));
                });
            });
        });
    }

    /** One apply as recorded, for any replica to report. */
    public Uni<ApplyOperationView> operation(UUID projectId, UUID applyId) {
        return Panache.withSession(() -> ApplyOperation.<ApplyOperation>findById(applyId))
                .map(op -> {
                    if (op == null || !op.projectId.equals(projectId)) {
                        throw new ProblemException(ProblemException.notFound("lab " + projectId
                                + " has no apply " + applyId).problem().with("projectId", projectId));
                    }
                    return ApplyOperationView.of(op, readReport(op.report));
                });
    }

    /** The apply could not proceed (the lab could not be read, the lock was lost): recorded with its problem. */
    private Uni<Void> fail(UUID applyId, String owner, Throwable e) {
        int status = e instanceof ProblemException p ? p.problem().status() : 502;
        String detail = e instanceof ProblemException p ? p.problem().detail()
                : "failed: " + dev.labfleet.common.problem.UpstreamProblems.describe(e);
        return Panache.withTransaction(() -> ApplyOperation.<ApplyOperation>findById(applyId).invoke(op -> {
                    if (op != null && ApplyOperation.RUNNING.equals(op.status) && owner.equals(op.owner)) {
                        op.status = ApplyOperation.ERROR;
                        op.error = detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail;
                        op.errorStatus = status;
                        op.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                        op.owner = null;
                        op.leaseUntil = null;
                    }
                })).replaceWithVoid()
                .onFailure().invoke(f -> LOG.warnf("apply %s: its failure could not be recorded: %s", applyId, f))
                .onFailure().recoverWithNull();
    }

    private static ApplyReport readReport(String json) {
        if (json == null) {
            return null;
        }
        try {
            return CloudEventCodec.mapper().readValue(json, ApplyReport.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable apply report", e);
        }
    }

    /** The lab lookup's answer or failure, held until the spec has been checked. */
    private record Lookup(JsonNode project, Throwable failure) {
        Uni<JsonNode> get() {
            return failure == null ? Uni.createFrom().item(project) : Uni.createFrom().failure(failure);
        }
    }

    private Uni<ApplyOperationView> run(UUID applyId, String owner, UUID projectId, UUID serverId, TopologySpec spec,
                                        ResolvedTopology resolved, TemplateCatalogue catalogue, String user,
                                        long received) {
        OffsetDateTime startedAt = OffsetDateTime.now(ZoneOffset.UTC);
        long start = System.nanoTime();
        // where the time went, for the log: checks (parse, catalogue, lab lookup, lock), reading the live lab,
        // planning, the GNS3 calls, recording the outcome
        long[] at = new long[3];
        return Uni.combine().all().unis(labs.nodes(serverId, projectId), labs.links(serverId, projectId)).asTuple()
                .invoke(() -> at[0] = System.nanoTime())
                .map(t -> TopologyPlanner.plan(projectId, resolved, LabTopologyService.toLive(t.getItem1(), t.getItem2())))
                .invoke(() -> at[1] = System.nanoTime())
                .chain(plan -> new Execution(projectId, serverId, plan, () -> runs.held(applyId)).run().map(results -> {
                    at[2] = System.nanoTime();
                    long millis = (at[2] - start) / 1_000_000;
                    return report(projectId, serverId, plan, results, startedAt, millis);
                }))
                .chain(report -> record(applyId, owner, report, spec, user, priorities(spec))
                        .invoke(() -> measure(report))
                        .invoke(() -> LOG.infof("applied spec to lab %s: %s, %d done, %d failed, %d skipped in %d ms "
                                        + "(checks %d, read %d, plan %d, GNS3 calls %d, record %d)",
                                projectId, report.status(), report.done(), report.failed(), report.skipped(),
                                report.durationMs(), ms(start - received), ms(at[0] - start), ms(at[1] - at[0]),
                                ms(at[2] - at[1]), ms(System.nanoTime() - at[2]))));
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** {@code labfleet_topology_apply_seconds{status}} and {@code labfleet_topology_apply_changes_total{kind,action,outcome}}. */
    private void measure(ApplyReport report) {
        Timer.builder("labfleet.topology.apply").description("Spec applies, by how they ended")
                .tag("status", report.status().name()).register(meters)
                .record(java.time.Duration.ofMillis(report.durationMs()));
        Map<String, Long> counts = new java.util.HashMap<>();
        report.results().forEach(r -> counts.merge(r.kind() + "|" + r.action() + "|" + r.outcome(), 1L, Long::sum));
        counts.forEach((key, n) -> {
            String[] k = key.split("\\|");
            meters.counter("labfleet.topology.apply.changes", "kind", k[0], "action", k[1], "outcome", k[2]).increment(n);
        });
    }

    private static ApplyReport report(UUID projectId, UUID serverId, TopologyPlan plan, List<Result> results,
                                      OffsetDateTime startedAt, long millis) {
        int done = 0;
        int failed = 0;
        int skipped = 0;
        for (Result r : results) {
            switch (r.outcome()) {
                case DONE -> done++;
                case FAILED -> failed++;
                case SKIPPED -> skipped++;
            }
        }
        ApplyStatus status = results.isEmpty() ? ApplyStatus.UNCHANGED
                : done == results.size() ? ApplyStatus.APPLIED : done == 0 ? ApplyStatus.FAILED : ApplyStatus.PARTIAL;
        return new ApplyReport(projectId, serverId, status, plan.summary(), done, failed, skipped, startedAt, millis,
                results);
    }

    /** The spec becomes the lab's desired state, with how its apply ended; the event commits with it. */
    /** Node name -> start priority, for the nodes the spec gives one: project-service orders staggered starts by it. */
    private static Map<String, Integer> priorities(TopologySpec spec) {
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        spec.nodes().forEach(n -> {
            if (n.priority() != null) {
                out.put(n.name(), n.priority());
            }
        });
        return out;
    }

    private Uni<ApplyOperationView> record(UUID applyId, String owner, ApplyReport report, TopologySpec spec,
                                           String user, Map<String, Integer> priorities) {
        String reportJson;
        try {
            reportJson = CloudEventCodec.mapper().writeValueAsString(report);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("unwritable apply report", e));
        }
        return Panache.withTransaction(() -> applied.findById(report.projectId()).chain(existing -> {
            AppliedTopology row = existing != null ? existing : new AppliedTopology();
            row.projectId = report.projectId();
            row.spec = SpecCodec.compact(spec);
            row.status = report.status();
            row.appliedAt = report.startedAt();
            row.appliedBy = user;
            row.changes = report.results().size();
            row.failures = report.failed() + report.skipped();
            row.durationMs = report.durationMs();
            Uni<AppliedTopology> saved = existing != null ? Uni.createFrom().item(row) : applied.persist(row);
            return saved.chain(() -> events.publish(report.projectId(),
                    report.status() == ApplyStatus.FAILED ? EventTypes.LAB_TOPOLOGY_APPLY_FAILED
                            : EventTypes.LAB_TOPOLOGY_APPLIED,
                    report.projectId().toString(), eventData(report, priorities)));
        }).chain(() -> ApplyOperation.<ApplyOperation>findById(applyId)).map(op -> {
            // the operation ends with the record, in one transaction (unless it was swept as interrupted meanwhile)
            if (op != null && ApplyOperation.RUNNING.equals(op.status) && owner.equals(op.owner)) {
                op.status = report.status().name();
                op.report = reportJson;
                op.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                op.owner = null;
                op.leaseUntil = null;
            }
            return ApplyOperationView.of(op, report);
        }));
    }

    private static JsonNode eventData(ApplyReport report, Map<String, Integer> priorities) {
        ObjectNode data = CloudEventCodec.mapper().createObjectNode();
        data.put("projectId", report.projectId().toString());
        data.put("serverId", report.serverId().toString());
        data.put("status", report.status().name());
        data.set("summary", CloudEventCodec.mapper().valueToTree(report.summary()));
        data.put("done", report.done());
        data.put("failed", report.failed());
        data.put("skipped", report.skipped());
        data.put("durationMs", report.durationMs());
        data.set("failures", CloudEventCodec.mapper().valueToTree(report.results().stream()
                .filter(r -> r.outcome() != Outcome.DONE).limit(MAX_FAILURES_IN_EVENT).toList()));
        data.set("priorities", CloudEventCodec.mapper().valueToTree(priorities));
        return data;
    }

    /**
     * One apply's calls and what they produced. Each step's calls go to the gateway as one batch (or a few, for
     * big labs): the gateway runs them concurrently up to {@code labfleet.topology.apply.concurrency}, never two at
     * once on one node, and answers every call's own result.
     */
    private final class Execution {
        final UUID projectId;
        final UUID serverId;
        final TopologyPlan plan;
        final String base;
        /** Spec node name -> the id the node has after this apply's creates (GNS3's, for template-made nodes). */
        final Map<String, UUID> createdIds = new ConcurrentHashMap<>();
        /** Names of nodes the plan creates whose create failed: their links are skipped. */
        final Set<String> notCreated = ConcurrentHashMap.newKeySet();
        /** Batch operation ids, unique within this apply. */
        int sequence;
        /** False once the lab's apply lock was taken by another apply: no further step goes to the gateway. */
        final java.util.function.BooleanSupplier held;

        Execution(UUID projectId, UUID serverId, TopologyPlan plan, java.util.function.BooleanSupplier held) {
            this.projectId = projectId;
            this.serverId = serverId;
            this.plan = plan;
            this.held = held;
            this.base = "/projects/" + projectId;
        }

        Uni<Void> stillHeld() {
            return held.getAsBoolean() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().failure(ProblemException.conflict("the apply lock of lab " + projectId
                    + " was taken by another apply while this one ran (its heartbeat lapsed): this apply stopped"));
        }

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
        Uni<Void> build(List<Result> into) {
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
        String missingEnd(LinkChange c) {
            return List.of(c.link().a(), c.link().b()).stream().map(PlannedLink.Endpoint::nodeName)
                    .filter(notCreated::contains).findFirst().orElse(null);
        }

        Result skippedLink(LinkChange c, String missing) {
            return new Result("link", c.action(), c.linkId(), c.description(), c.reason(), Outcome.SKIPPED, null,
                    "node " + missing + " was not created");
        }

        /** GNS3 2.2 keeps the link_id it is given on some versions and makes its own on others: report its own. */
        Result linkCreated(LinkChange c, BatchAnswer.Body body) {
            return new Result("link", c.action(), body.linkId() != null ? UUID.fromString(body.linkId()) : c.linkId(),
                    c.description(), c.reason(), Outcome.DONE, null, null);
        }

        /** One step: a call per change, all in one batch; each answer mapped to the change's result. */
        <C> Uni<Void> step(List<C> changes, Function<C, BatchOperation> call,
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
        Uni<List<BatchAnswer>> answers(List<BatchOperation> operations) {
            if (operations.isEmpty()) {
                return Uni.createFrom().item(List.of());
            }
            return gateway.batch(serverId, operations, config.apply().concurrency(), BatchAnswer.Body.FIELDS,
                    config.apply().batchSize(), BatchAnswer.class, "apply to lab " + projectId);
        }

        BatchOperation op(String method, String path, JsonNode body) {
            return new BatchOperation(Integer.toString(sequence++), method, base + path, body);
        }

        BatchOperation deleteLink(LinkChange c) {
            return op("DELETE", "/links/" + c.linkId(), null);
        }

        Result linkDeleteFailed(LinkChange c, Throwable e) {
            return status(e) == 404 ? new Result("link", c.action(), c.linkId(), c.description(), c.reason(),
                    Outcome.DONE, null, c.cascade() ? "deleted with its node" : "already gone") : failed(c, e);
        }

        /**
         * Creates in one batch: nodes of GNS3's builtin types by node type, with their stable id; the others from
         * their template (which takes no id). A second batch then names and shapes the template-made nodes, and
         * checks the creates GNS3 refused as duplicates (an earlier create whose answer was lost made them).
         */
        Uni<List<Result>> createNodes(List<NodeChange> creates) {
            return answers(creates.stream().map(this::createNode).toList())
                    .chain(answers -> settleCreates(creates, answers))
                    .onFailure().recoverWithItem(e -> creates.stream().map(c -> failedCreate(c, e)).toList());
        }

        /** The creates' results from their answers, after a second batch for renames and checks of 409s. */
        Uni<List<Result>> settleCreates(List<NodeChange> creates, List<BatchAnswer> answers) {
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

        boolean fromTemplate(NodeChange c) {
            return c.node().templateId() != null && !BUILTIN_TEMPLATES.contains(c.node().templateId());
        }

        BatchOperation createNode(NodeChange c) {
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

        BatchOperation rename(NodeChange c, BatchAnswer.Body node) {
            ObjectNode update = CloudEventCodec.mapper().createObjectNode();
            update.put("name", c.node().name());
            if (c.node().properties() != null && !c.node().properties().isEmpty()) {
                update.set("properties", CloudEventCodec.mapper().valueToTree(c.node().properties()));
            }
            return op("PUT", "/nodes/" + node.nodeId(), update);
        }

        Result notRenamed(NodeChange c, BatchAnswer.Body node, Throwable e) {
            notCreated.add(c.name());
            return new Result("node", c.action(), UUID.fromString(node.nodeId()), c.name(), c.reason(),
                    Outcome.FAILED, status(e), "created from its template as " + node.name()
                    + " but not renamed: " + detail(e));
        }

        Result created(NodeChange c, BatchAnswer.Body node) {
            UUID id = UUID.fromString(node.nodeId());
            createdIds.put(c.name(), id);
            return done(c, id, null);
        }

        Result failedCreate(NodeChange c, Throwable e) {
            notCreated.add(c.name());
            return failed(c, c.nodeId(), e);
        }

        BatchOperation updateNode(NodeChange c) {
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

        BatchOperation createLink(LinkChange c) {
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

        BatchOperation updateLink(LinkChange c) {
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
