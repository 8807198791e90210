package dev.labfleet.automation.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.automation.client.LabClient;
import dev.labfleet.automation.domain.Script;
import dev.labfleet.automation.domain.WorkflowRun;
import dev.labfleet.automation.messaging.AutomationEvents;
import dev.labfleet.automation.rest.ExecutionRequest;
import dev.labfleet.automation.rest.ExecutionView;
import dev.labfleet.automation.script.ScriptTemplates;
import dev.labfleet.automation.workflow.StepResult;
import dev.labfleet.automation.workflow.StepSpec;
import dev.labfleet.common.id.Ids;
import dev.labfleet.common.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs durable workflow executions. A replica claims a run whose lease is free or expired (PostgreSQL,
 * {@code for update skip locked}), renews the lease while it works, and writes the run before each step (the step
 * is {@code running}, its attempt counted, its idempotency key set) and after it (result, variables, next step). A
 * replica that dies leaves its lease to expire; another claims the run and starts again at the step that was
 * running. Steps that create something are safe to repeat: createLab sends a lab id derived from the execution id
 * and step index (project-service answers a repeated create with the same lab), snapshot adopts the snapshot of
 * that name if the first attempt made it, runScript waits for the script execution the first attempt started.
 */
@ApplicationScoped
public class WorkflowEngine {

    private static final Logger LOG = Logger.getLogger(WorkflowEngine.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };
    private static final String CLAIM = """
            with candidate as (
              select id, owner from workflow_run
              where status = 'running' and (lease_until is null or lease_until < now())
              order by created_at limit 1 for update skip locked)
            update workflow_run r set owner = $1, lease_until = now() + $2 * interval '1 millisecond',
              takeovers = r.takeovers + (case when candidate.owner is not null and candidate.owner <> $1 then 1 else 0 end)
            from candidate where r.id = candidate.id
            returning r.id, candidate.owner as previous""";
    private static final String RENEW = "update workflow_run set lease_until = now() + $3 * interval '1 millisecond' "
            + "where id = $1 and owner = $2";

    private final Pool pool;
    private final Contexts contexts;
    private final ExecutionService executions;
    private final ScriptTemplates templates;
    private final LabClient lab;
    private final AutomationEvents events;
    private final ObjectMapper mapper;
    private final Vertx vertx;
    private final Duration ttl;
    private final Counter takenOver;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    /** This replica's name in {@code owner}. */
    public final String replica = "workflows-" + UUID.randomUUID().toString().substring(0, 8);

    public WorkflowEngine(Pool pool, Contexts contexts, ExecutionService executions, ScriptTemplates templates,
                          LabClient lab, AutomationEvents events, ObjectMapper mapper, Vertx vertx,
                          MeterRegistry registry,
                          @ConfigProperty(name = "labfleet.automation.workflow.lease-ttl", defaultValue = "15s")
                          Duration ttl) {
        this.pool = pool;
        this.contexts = contexts;
        this.executions = executions;
        this.templates = templates;
        this.lab = lab;
        this.events = events;
        this.mapper = mapper;
        this.vertx = vertx;
        this.ttl = ttl;
        this.takenOver = Counter.builder("labfleet.automation.workflow.leases.taken.over")
                .description("Workflow executions taken over from a replica whose lease had expired").register(registry);
    }

    /** Claims what it can now (a new run, a resumed one) instead of waiting for the next tick. */
    public void kick() {
        contexts.start("a workflow claim", () -> claimAll().onFailure().recoverWithNull());
    }

    @Scheduled(every = "${labfleet.automation.workflow.poll:1s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return claimAll().replaceWithVoid().onFailure().invoke(e -> LOG.debugf("workflow claim failed: %s", e))
                .onFailure().recoverWithNull();
    }

    private Uni<Integer> claimAll() {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(replica, ttl.toMillis())).map(rows -> {
            int n = 0;
            for (Row row : rows) {
                UUID id = row.getUUID("id");
                String previous = row.getString("previous");
                if (previous != null && !previous.equals(replica)) {
                    takenOver.increment();
                    LOG.infof("workflow execution %s taken over from %s", id, previous);
                }
                if (running.add(id)) {
                    n++;
                    contexts.start("workflow execution " + id, () -> drive(id));
                }
            }
            return n;
        }).chain(n -> n > 0 ? claimAll().map(m -> n + m) : Uni.createFrom().item(0));
    }

    private Uni<Void> drive(UUID id) {
        long renewal = vertx.setPeriodic(Math.max(500, ttl.toMillis() / 3), t -> pool.preparedQuery(RENEW)
                .execute(Tuple.of(id, replica, ttl.toMillis())).subscribe().with(ok -> { }, e -> { }));
        return loop(id).onTermination().invoke(() -> {
            vertx.cancelTimer(renewal);
            running.remove(id);
        }).onFailure().invoke(e -> LOG.warnf(e, "workflow execution %s stopped on this replica", id))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> loop(UUID id) {
        return advance(id).chain(more -> more ? loop(id) : Uni.createFrom().voidItem());
    }

    /** What a step's attempt starts with. */
    private record Attempt(WorkflowRun run, StepSpec step, int index, StepResult result, StepResult previous,
                           Map<String, Object> variables) {
    }

    /** What a step did. {@code waitForApproval}: the run waits for resume. */
    private record Done(boolean ok, String ref, String output, String error, Map<String, Object> set,
                        UUID projectId, boolean waitForApproval) {
        static Done ok(String ref, String output) {
            return new Done(true, ref, output, null, Map.of(), null, false);
        }

        static Done failed(String error) {
            return new Done(false, null, null, error, Map.of(), null, false);
        }
    }

    /** One step: recorded before, run, recorded after. Answers whether the loop goes on. */
    private Uni<Boolean> advance(UUID id) {
        return contexts.transaction(() -> WorkflowRun.<WorkflowRun>findById(id).map(run -> {
            if (run == null || !replica.equals(run.owner) || !"running".equals(run.status)) {
                if (run != null && replica.equals(run.owner)) {
                    run.owner = null;
                    run.leaseUntil = null;
                }
                return null;
            }
            List<StepSpec> steps = read(run.steps, WorkflowService.STEPS);
            List<StepResult> results = read(run.results, WorkflowService.RESULTS);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            if (run.nextStep >= steps.size()) {
                run.status = "succeeded";
                run.finishedAt = now;
                run.updatedAt = now;
                run.owner = null;
                run.leaseUntil = null;
                return null;
            }
            StepSpec step = steps.get(run.nextStep);
            StepResult previous = run.nextStep < results.size() ? results.get(run.nextStep) : null;
            StepResult result = new StepResult(step.id(), step.kind(), "running",
                    (previous == null ? 0 : previous.attempts()) + 1, run.id + ":" + run.nextStep,
                    previous == null ? null : previous.ref(), null, null, now, null);
            if (run.nextStep < results.size()) {
                results.set(run.nextStep, result);
            } else {
                results.add(result);
            }
            run.results = write(results);
            run.updatedAt = now;
            return new Attempt(run, step, run.nextStep, result, previous, read(run.variables, MAP));
        })).chain(attempt -> {
            if (attempt == null) {
                return Uni.createFrom().item(false);
            }
            return execute(attempt)
                    .onFailure().recoverWithItem(e -> Done.failed(e instanceof ProblemException p
                            ? p.problem().detail() : "unexpected failure (" + e.getClass().getSimpleName() + ")"))
                    .chain(done -> record(id, attempt, done));
        });
    }

    private Uni<Boolean> record(UUID id, Attempt attempt, Done done) {
        return contexts.transaction(() -> WorkflowRun.<WorkflowRun>findById(id).chain(run -> {
            if (run == null || !replica.equals(run.owner)) {
                return Uni.createFrom().item(false); // someone else runs it now: their record wins
            }
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            List<StepResult> results = read(run.results, WorkflowService.RESULTS);
            StepSpec step = attempt.step();
            String onFailure = step.onFailure() == null ? "stop" : step.onFailure();
            Map<String, Object> variables = read(run.variables, MAP);
            variables.putAll(done.set());
            run.variables = write(variables);
            if (done.projectId() != null) {
                run.projectId = done.projectId();
            }
            String status;
            if (done.waitForApproval()) {
                status = "waiting";
                run.status = "waiting-approval";
            } else if (done.ok()) {
                status = "succeeded";
                run.nextStep++;
            } else if (onFailure.equals("continue")) {
                status = "continued";
                run.nextStep++;
            } else if (onFailure.equals("retry") && attempt.result().attempts() <= step.retries()) {
                status = "failed"; // the same step again, next loop
            } else {
                status = "failed";
                run.status = "failed";
                run.error = "step " + step.id() + " (" + step.kind() + ") failed: " + done.error();
                run.finishedAt = now;
            }
            if (!"running".equals(run.status) && !"waiting-approval".equals(run.status)) {
                run.owner = null;
                run.leaseUntil = null;
            }
            if ("cancelled".equals(run.status) || "paused".equals(run.status)) {
                run.owner = null;
            }
            results.set(attempt.index(), attempt.result().with(status, done.ref(), done.output(), done.error(),
                    done.waitForApproval() ? null : now));
            run.results = write(results);
            run.updatedAt = now;
            boolean more = "running".equals(run.status);
            if (run.projectId == null) {
                return Uni.createFrom().item(more);
            }
            ObjectNode data = mapper.createObjectNode().put("executionId", run.id.toString())
                    .put("workflowId", run.workflowId.toString()).put("workflowName", run.workflowName)
                    .put("step", step.id()).put("kind", step.kind()).put("status", status)
                    .put("runStatus", run.status);
            String type = "running".equals(run.status) || "waiting-approval".equals(run.status)
                    ? "lab.automation.workflow-step-finished" : "lab.automation.workflow-finished";
            return events.publish(run.projectId, type, run.id.toString(), data).replaceWith(more);
        }));
    }

    private Uni<Done> execute(Attempt a) {
        StepSpec s = a.step();
        Map<String, Object> data = new LinkedHashMap<>(a.variables());
        data.put("projectId", a.run().projectId == null ? "" : a.run().projectId.toString());
        data.put("execution", Map.of("id", a.run().id.toString()));
        UUID projectId = a.run().projectId;
        String key = a.result().idempotencyKey();
        return switch (s.kind()) {
            case "approval" -> Uni.createFrom().item(new Done(true, null, null, null, Map.of(), null, true));
            case "wait" -> waitStep(s, projectId);
            case "setVariable" -> setVariable(a);
            case "runScript", "validate" -> runScript(a, data, projectId);
            case "createLab" -> {
                ObjectNode body = (ObjectNode) render(s.spec(), data, "spec");
                UUID labId = Ids.stable(key);
                body.put("projectId", labId.toString());
                yield lab.projects(HttpMethod.POST, "/api/v1/projects", body, key, "create lab", Duration.ofMinutes(5))
                        .map(answer -> new Done(true, labId.toString(), answer.path("name").asText(), null, Map.of(),
                                labId, false));
            }
            case "applyTopology" -> needLab(projectId).chain(() -> lab.topology(HttpMethod.PUT,
                            // the apply is an operation at topology-service: a short wait answers most applies at
                            // once, a longer one is followed through its operation (no request held for minutes)
                            "/api/v1/projects/" + projectId + "/topology?wait=20s", render(s.spec(), data, "spec"),
                            key, "apply topology", Duration.ofMinutes(1)))
                    .chain(answer -> applied(projectId, answer))
                    .map(answer -> {
                        // PARTIAL or FAILED (some changes failed or were skipped): the step failed, and a retry
                        // applies again, which finishes the job (stable ids); INTERRUPTED (topology-service's
                        // replica died) and ERROR likewise
                        String status = answer.path("status").asText("");
                        return status.equals("APPLIED") || status.equals("UNCHANGED")
                                ? Done.ok(status, answer.toString())
                                : new Done(false, status, answer.toString(), "apply ended " + status
                                + (answer.hasNonNull("error") ? ": " + answer.path("error").asText()
                                : " (" + answer.path("failed").asInt() + " failed, "
                                + answer.path("skipped").asInt() + " skipped)"), Map.of(), null, false);
                    });
            case "startNodes", "stopNodes" -> needLab(projectId).chain(() -> {
                ObjectNode body = mapper.createObjectNode();
                if (s.batchSize() != null) {
                    body.put("batchSize", s.batchSize());
                }
                if (s.delayMs() != null) {
                    body.put("delayMs", s.delayMs());
                }
                String action = s.kind().equals("startNodes") ? "start" : "stop";
                return lab.projects(HttpMethod.POST, "/api/v1/projects/" + projectId + "/" + action, body, key,
                        action + " nodes", Duration.ofMinutes(1)).chain(op -> operation(op, action));
            });
            case "snapshot" -> needLab(projectId).chain(() -> snapshot(projectId,
                    templates.renderText(s.name(), data, "name"), key));
            case "restoreSnapshot" -> needLab(projectId).chain(() -> restore(projectId,
                    templates.renderText(s.name(), data, "name"), key));
            default -> Uni.createFrom().item(Done.failed("unknown step kind " + s.kind()));
        };
    }

    private static Uni<Void> needLab(UUID projectId) {
        if (projectId == null) {
            return Uni.createFrom().failure(ProblemException.badRequest("no lab: give projectId when starting the run "
                    + "or create one with a createLab step first"));
        }
        return Uni.createFrom().voidItem();
    }

    private JsonNode render(JsonNode node, Map<String, Object> data, String field) {
        if (node == null) {
            return mapper.createObjectNode();
        }
        if (node.isTextual()) {
            return mapper.getNodeFactory().textNode(templates.renderText(node.asText(), data, field));
        }
        if (node.isObject()) {
            ObjectNode out = mapper.createObjectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), render(e.getValue(), data, field + "." + e.getKey())));
            return out;
        }
        if (node.isArray()) {
            var out = mapper.createArrayNode();
            for (int i = 0; i < node.size(); i++) {
                out.add(render(node.get(i), data, field + "[" + i + "]"));
            }
            return out;
        }
        return node;
    }

    private Uni<Done> waitStep(StepSpec s, UUID projectId) {
        if (s.untilStatus() == null) {
            return Uni.createFrom().item(Done.ok(null, null)).onItem()
                    .delayIt().by(Duration.ofMillis(Math.round(s.seconds() * 1000)));
        }
        double seconds = s.timeoutSeconds() == null ? 300 : s.timeoutSeconds();
        Duration timeout = Duration.ofMillis(Math.round(seconds * 1000));
        // what the last look saw, for the failure: Mutiny's expiry replaces the failure with its own message
        java.util.concurrent.atomic.AtomicReference<String> lastSeen = new java.util.concurrent.atomic.AtomicReference<>();
        return needLab(projectId).chain(() -> lab.project(projectId)).chain(project -> {
            UUID serverId = UUID.fromString(project.path("serverId").asText());
            return Uni.createFrom().deferred(() -> lab.nodes(serverId, projectId)).map(nodes -> {
                        for (JsonNode n : nodes) {
                            boolean selected = s.nodes() == null || s.nodes().contains(n.path("name").asText())
                                    || s.nodes().contains(n.path("node_id").asText());
                            if (selected && !s.untilStatus().equals(n.path("status").asText())) {
                                lastSeen.set(n.path("name").asText() + " is " + n.path("status").asText());
                                throw new IllegalStateException(lastSeen.get());
                            }
                        }
                        return Done.ok(null, "every node is " + s.untilStatus());
                    })
                    .onFailure(IllegalStateException.class).retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(2))
                    .expireIn(timeout.toMillis())
                    .onFailure(IllegalStateException.class).recoverWithItem(e -> Done.failed("nodes did not reach "
                            + s.untilStatus() + " within " + java.math.BigDecimal.valueOf(seconds).stripTrailingZeros()
                            .toPlainString() + " s (" + (lastSeen.get() == null ? e.getMessage() : lastSeen.get())
                            + ")"));
        });
    }

    private Uni<Done> setVariable(Attempt a) {
        StepSpec s = a.step();
        List<StepResult> results = read(a.run().results, WorkflowService.RESULTS);
        String output = results.stream().filter(r -> s.from().equals(r.id())).map(StepResult::output)
                .filter(java.util.Objects::nonNull).reduce((x, y) -> y).orElse("");
        Matcher m = Pattern.compile(s.regex(), Pattern.MULTILINE).matcher(output);
        if (!m.find()) {
            return Uni.createFrom().item(Done.failed("/" + s.regex() + "/ does not match the output of step "
                    + s.from()));
        }
        String value = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
        return Uni.createFrom().item(new Done(true, null, value, null, Map.of(s.variable(), value), null, false));
    }

    private Uni<Done> runScript(Attempt a, Map<String, Object> data, UUID projectId) {
        StepSpec s = a.step();
        String earlier = a.previous() == null ? null : a.previous().ref();
        Uni<String> started;
        if (earlier != null) {
            // an earlier attempt started it (this replica or one that died): follow that execution, unless it was cut
            started = executions.detached(UUID.fromString(earlier)).map(view -> "interrupted".equals(view.status())
                    ? null : earlier).onFailure().recoverWithNull();
        } else {
            started = Uni.createFrom().nullItem();
        }
        return needLab(projectId).chain(() -> started).chain(ref -> {
            if (ref != null) {
                return Uni.createFrom().item(ref);
            }
            Map<String, JsonNode> variables = new HashMap<>();
            if (s.variables() != null) {
                s.variables().forEach((k, v) -> variables.put(k, render(v, data, "variables." + k)));
            }
            List<String> nodes = s.nodes() == null ? null : s.nodes().stream()
                    .map(n -> templates.renderText(n, data, "nodes")).toList();
            ExecutionRequest request = new ExecutionRequest(projectId, nodes, variables, s.nodeVariables(),
                    s.concurrency(), null, false);
            return contexts.session(() -> Script.<Script>find("name", s.script()).firstResult())
                    .chain(script -> {
                        if (script == null) {
                            throw ProblemException.badRequest("no script named '" + s.script() + "'");
                        }
                        return contexts.session(() -> executions.start(script.id, request,
                                s.assertions() == null ? List.of() : s.assertions()));
                    })
                    .chain(view -> remember(a, view.id().toString()).replaceWith(view.id().toString()));
        }).chain(ref -> awaitExecution(UUID.fromString(ref)).map(view -> {
            StringBuilder output = new StringBuilder();
            if (view.nodes() != null) {
                for (ExecutionView.NodeRun n : view.nodes()) {
                    output.append("== ").append(n.nodeName()).append(" (").append(n.status()).append(")\n");
                    if (n.transcript() != null) {
                        output.append(n.transcript()).append('\n');
                    }
                }
            }
            boolean ok = "succeeded".equals(view.status());
            return new Done(ok, ref, output.toString(), ok ? null : "script execution " + ref + " " + view.status()
                    + " " + view.counts(), Map.of(), null, false);
        }));
    }

    /** The script execution's id, written as soon as it exists: a takeover follows it instead of starting another. */
    private Uni<Void> remember(Attempt a, String ref) {
        return contexts.transaction(() -> WorkflowRun.<WorkflowRun>findById(a.run().id).invoke(run -> {
            List<StepResult> results = read(run.results, WorkflowService.RESULTS);
            StepResult r = results.get(a.index());
            results.set(a.index(), new StepResult(r.id(), r.kind(), r.status(), r.attempts(), r.idempotencyKey(), ref,
                    r.output(), r.error(), r.startedAt(), r.finishedAt()));
            run.results = write(results);
        })).replaceWithVoid();
    }

    private Uni<ExecutionView> awaitExecution(UUID id) {
        return Uni.createFrom().deferred(() -> executions.detached(id)).map(view -> {
                    if ("running".equals(view.status())) {
                        throw new IllegalStateException("running");
                    }
                    return view;
                })
                .onFailure(IllegalStateException.class).retry().withBackOff(Duration.ofMillis(300), Duration.ofSeconds(1))
                .indefinitely();
    }

    /** An apply's operation once it ended: polled at topology-service while it still runs (status RUNNING). */
    private Uni<JsonNode> applied(UUID projectId, JsonNode answer) {
        String applyId = answer.path("applyId").asText(null);
        if (applyId == null || !"RUNNING".equals(answer.path("status").asText())) {
            return Uni.createFrom().item(answer);
        }
        String path = "/api/v1/projects/" + projectId + "/topology/applies/" + applyId;
        return Uni.createFrom().deferred(() -> lab.topology(HttpMethod.GET, path, null, null, "apply progress",
                        Duration.ofSeconds(15)))
                .map(view -> {
                    if ("RUNNING".equals(view.path("status").asText())) {
                        throw new IllegalStateException("running");
                    }
                    return view;
                })
                // an apply always ends: a dead topology-service replica's apply reads INTERRUPTED within its lease
                .onFailure(IllegalStateException.class).retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(2))
                .indefinitely();
    }

    private Uni<Done> operation(JsonNode op, String action) {
        String operationId = op.path("operationId").asText(null);
        if (operationId == null) {
            return Uni.createFrom().item(Done.ok(null, op.toString()));
        }
        return Uni.createFrom().deferred(() -> lab.projects(HttpMethod.GET, "/api/v1/operations/" + operationId, null,
                        null, action + " progress", Duration.ofSeconds(15)))
                .map(view -> {
                    if ("running".equalsIgnoreCase(view.path("status").asText())) {
                        throw new IllegalStateException("running");
                    }
                    return view;
                })
                .onFailure(IllegalStateException.class).retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(2))
                .indefinitely()
                .map(view -> {
                    String status = view.path("status").asText().toLowerCase();
                    return "succeeded".equals(status) ? Done.ok(operationId, view.toString())
                            : new Done(false, operationId, view.toString(), action + " " + status + " ("
                            + view.path("failed").asInt() + " failed)", Map.of(), null, false);
                });
    }

    private Uni<Done> snapshot(UUID projectId, String name, String key) {
        String path = "/api/v1/projects/" + projectId + "/snapshots";
        return lab.projects(HttpMethod.GET, path, null, null, "list snapshots", Duration.ofSeconds(30))
                .chain(list -> {
                    for (JsonNode snap : list) {
                        if (name.equals(snap.path("name").asText())) {
                            // made by an earlier attempt of this step (or asked for twice): not a second one
                            return Uni.createFrom().item(Done.ok(snap.path("snapshotId").asText(), name));
                        }
                    }
                    return lab.projects(HttpMethod.POST, path, Map.of("name", name), key, "create snapshot",
                            Duration.ofMinutes(5)).map(made -> Done.ok(made.path("snapshotId").asText(), name));
                });
    }

    private Uni<Done> restore(UUID projectId, String name, String key) {
        String path = "/api/v1/projects/" + projectId + "/snapshots";
        return lab.projects(HttpMethod.GET, path, null, null, "list snapshots", Duration.ofSeconds(30)).chain(list -> {
            for (JsonNode snap : list) {
                if (name.equals(snap.path("name").asText())) {
                    String id = snap.path("snapshotId").asText();
                    return lab.projects(HttpMethod.POST, path + "/" + id + "/restore", null, key, "restore snapshot",
                            Duration.ofMinutes(5)).map(ignored -> Done.ok(id, name));
                }
            }
            return Uni.createFrom().item(Done.failed("lab " + projectId + " has no snapshot named '" + name + "'"));
        });
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored workflow execution cannot be read", e);
        }
    }
}
