package dev.labfleet.automation.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.automation.client.LabClient;
import dev.labfleet.automation.config.AutomationConfig;
import dev.labfleet.automation.domain.Execution;
import dev.labfleet.automation.domain.ExecutionNode;
import dev.labfleet.automation.domain.Script;
import dev.labfleet.automation.messaging.AutomationEvents;
import dev.labfleet.automation.rest.ExecutionRequest;
import dev.labfleet.automation.rest.ExecutionView;
import dev.labfleet.automation.script.AssertionSpec;
import dev.labfleet.automation.script.Assertions;
import dev.labfleet.automation.script.ConsoleStep;
import dev.labfleet.automation.script.NodeFilter;
import dev.labfleet.automation.script.ScriptTemplates;
import dev.labfleet.automation.script.VariableSpec;
import dev.labfleet.automation.script.Variables;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.qute.Template;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Script executions: checked and rendered for every node before anything touches a console (a missing variable or
 * an expression that cannot be rendered is a 400), recorded (one row per node), accepted at once (202), then run in
 * the background by the replica that accepted them, at most {@code concurrency} nodes at a time. Progress goes to
 * {@code lab.automation} through the outbox; output goes to the live stream as it arrives.
 */
@ApplicationScoped
public class ExecutionService {

    private static final Logger LOG = Logger.getLogger(ExecutionService.class);
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<ConsoleStep>> STEPS = new TypeReference<>() { };
    private static final Duration HEARTBEAT = Duration.ofSeconds(5);
    private static final String BEAT = "UPDATE execution SET heartbeat_at = now() WHERE id = $1 AND owner = $2 "
            + "AND status = 'running' RETURNING cancel_requested";
    /** Claims running executions whose lease ran out (their replica died): the oldest first, a few per tick. */
    private static final String CLAIM = """
            UPDATE execution SET owner = $1, heartbeat_at = now(), takeovers = takeovers + 1
            WHERE id IN (SELECT id FROM execution WHERE status = 'running'
                           AND heartbeat_at < now() - $2 * interval '1 millisecond'
                         ORDER BY heartbeat_at LIMIT 5 FOR UPDATE SKIP LOCKED)
            RETURNING id""";
    /** A graceful stop's hand-over: the lease made expired at once (a plain timestamp, readable like any other). */
    private static final String RELEASE = "UPDATE execution SET heartbeat_at = now() - interval '1 day' "
            + "WHERE owner = $1 AND status = 'running'";
    private static final TypeReference<List<AssertionSpec>> ASSERTIONS = new TypeReference<>() { };

    private final ScriptService scripts;
    private final ScriptTemplates templates;
    private final LabClient lab;
    private final ConsoleRunner runner;
    private final AutomationEvents events;
    private final Contexts contexts;
    private final AutomationConfig config;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final Pool pool;
    private final Map<UUID, LiveExecution> live = new ConcurrentHashMap<>();

    public ExecutionService(ScriptService scripts, ScriptTemplates templates, LabClient lab, ConsoleRunner runner,
                            AutomationEvents events, Contexts contexts, AutomationConfig config, ObjectMapper mapper,
                            MeterRegistry registry, Vertx vertx, Pool pool) {
        this.scripts = scripts;
        this.templates = templates;
        this.lab = lab;
        this.runner = runner;
        this.events = events;
        this.contexts = contexts;
        this.config = config;
        this.mapper = mapper;
        this.registry = registry;
        this.vertx = vertx;
        this.pool = pool;
    }

    /** A node of the lab as the gateway lists it, and whether the run will drive it. */
    record Target(String nodeId, String name, String type, String status, String skip, JsonNode node) {
    }

    public Uni<ExecutionView> start(UUID scriptId, ExecutionRequest r) {
        return start(scriptId, r, List.of());
    }

    /** A run with {@code extraAssertions} checked besides the script's own (a workflow's validate step). */
    public Uni<ExecutionView> start(UUID scriptId, ExecutionRequest r, List<AssertionSpec> extraAssertions) {
        if (r == null) {
            throw ProblemException.badRequest("an execution request is required as the body (at least projectId)");
        }
        List<Problem.Violation> v = new ArrayList<>();
        if (r.projectId() == null) {
            v.add(new Problem.Violation("projectId", "is required"));
        }
        int max = config.execution().maxConcurrency();
        if (r.concurrency() != null && (r.concurrency() < 1 || r.concurrency() > max)) {
            v.add(new Problem.Violation("concurrency", "must be between 1 and " + max));
        }
        if (r.nodeTimeoutSeconds() != null && (r.nodeTimeoutSeconds() <= 0 || r.nodeTimeoutSeconds() > 86_400)) {
            v.add(new Problem.Violation("nodeTimeoutSeconds", "must be more than 0 and at most 86400"));
        }
        if (r.nodes() != null) {
            for (int i = 0; i < r.nodes().size(); i++) {
                if (r.nodes().get(i) == null || r.nodes().get(i).isBlank()) {
                    v.add(new Problem.Violation("nodes[" + i + "]", "must be a node id or name"));
                }
            }
        }
        if (!v.isEmpty()) {
            throw Variables.invalid(v);
        }
        return Panache.withSession(() -> scripts.find(scriptId)).chain(script -> {
            if (script.template) {
                throw new ProblemException(ProblemException.conflict("script " + script.name
                        + " is a template: instantiate it into a script to run it").problem().with("scriptId", script.id));
            }
            List<VariableSpec> specs = scripts.variables(script);
            Template template = templates.parse(script.body, "body");
            // values' types and names first, then required ones when no node can bring its own: all before the lab
            List<VariableSpec> optional = specs.stream().map(s -> new VariableSpec(s.name(), s.type(), false,
                    s.defaultValue(), s.allowed(), s.description())).toList();
            Variables.resolve(optional, r.variables(), "variables");
            if (r.nodeVariables() != null) {
                r.nodeVariables().forEach((node, values) -> Variables.resolve(optional, values,
                        "nodeVariables." + node));
            }
            if (r.nodeVariables() == null || r.nodeVariables().isEmpty()) {
                Variables.resolve(specs, r.variables(), "variables");
            }
            return lab.project(r.projectId()).chain(project -> {
                String server = project.path("serverId").asText(null);
                if (server == null) {
                    throw ProblemException.upstream("lab " + r.projectId() + " has no server in project-service");
                }
                UUID serverId = UUID.fromString(server);
                NodeFilter filter = scripts.filter(script);
                return lookups(serverId, r.projectId(), filter).chain(extra -> lab.nodes(serverId, r.projectId())
                        .map(nodes -> targets(nodes, r.nodes(), filter, extra)))
                        .chain(targets -> create(script, r, serverId, specs, template, targets, extraAssertions));
            });
        });
    }

    /** Template names by id and node labels by id, fetched only when the filter needs them. */
    private Uni<Map<String, Map<String, String>>> lookups(UUID serverId, UUID projectId, NodeFilter filter) {
        Map<String, Map<String, String>> out = new HashMap<>();
        Uni<Void> templatesNeeded = filter.templateNames() == null || filter.templateNames().isEmpty()
                ? Uni.createFrom().voidItem()
                : lab.templates(serverId).invoke(list -> {
                    Map<String, String> names = new HashMap<>();
                    list.forEach(t -> names.put(t.path("template_id").asText(), t.path("name").asText()));
                    out.put("#templates", names);
                }).replaceWithVoid();
        Uni<Void> labelsNeeded = filter.labels() == null || filter.labels().isEmpty() ? Uni.createFrom().voidItem()
                : lab.labelledNodes(projectId).invoke(list -> list.forEach(n -> {
                    Map<String, String> labels = new HashMap<>();
                    n.path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                    out.put(n.path("nodeId").asText(), labels);
                })).replaceWithVoid();
        return templatesNeeded.chain(() -> labelsNeeded).replaceWith(out);
    }

    static List<Target> targets(JsonNode nodes, List<String> selection, NodeFilter filter,
                                Map<String, Map<String, String>> extra) {
        Map<String, String> templateNames = extra.getOrDefault("#templates", Map.of());
        List<JsonNode> chosen = new ArrayList<>();
        List<String> explicitlySelected = new ArrayList<>();
        if (selection != null && !selection.isEmpty()) {
            for (int i = 0; i < selection.size(); i++) {
                String wanted = selection.get(i);
                JsonNode found = null;
                for (JsonNode n : nodes) {
                    if (wanted.equals(n.path("node_id").asText()) || wanted.equals(n.path("name").asText())) {
                        found = n;
                        break;
                    }
                }
                if (found == null) {
                    throw ProblemException.invalid("nodes[" + i + "]", "the lab has no node '" + wanted + "'");
                }
                if (!chosen.contains(found)) {
                    chosen.add(found);
                    explicitlySelected.add(found.path("node_id").asText());
                }
            }
        } else {
            nodes.forEach(chosen::add);
        }
        List<Target> out = new ArrayList<>();
        for (JsonNode n : chosen) {
            String id = n.path("node_id").asText();
            String name = n.path("name").asText(id);
            String type = n.path("node_type").asText();
            String status = n.path("status").asText();
            boolean matches = filter.matches(name, type, templateNames.get(n.path("template_id").asText()),
                    extra.get(id));
            if (!matches) {
                if (explicitlySelected.contains(id)) {
                    out.add(new Target(id, name, type, status, "filtered out by the script's node filter", n));
                }
                continue;
            }
            String skip = "started".equals(status) ? null : "node is " + (status.isEmpty() ? "not started" : status)
                    + ": nothing was sent";
            out.add(new Target(id, name, type, status, skip, n));
        }
        out.sort(Comparator.comparing(Target::name, ExecutionService::natural));
        return out;
    }

    /** PC2 before PC10. */
    static int natural(String a, String b) {
        Matcher ma = DIGITS.matcher(a);
        Matcher mb = DIGITS.matcher(b);
        int ia = 0;
        int ib = 0;
        while (ma.find(ia) && mb.find(ib)) {
            int c = a.substring(ia, ma.start()).compareTo(b.substring(ib, mb.start()));
            if (c != 0) {
                return c;
            }
            c = new java.math.BigInteger(ma.group()).compareTo(new java.math.BigInteger(mb.group()));
            if (c != 0) {
                return c;
            }
            ia = ma.end();
            ib = mb.end();
        }
        return a.substring(ia).compareTo(b.substring(ib));
    }

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private Uni<ExecutionView> create(Script script, ExecutionRequest r, UUID serverId, List<VariableSpec> specs,
                                      Template template, List<Target> targets,
                                      List<AssertionSpec> extraAssertions) {
        long listedAt = System.nanoTime(); // the node list was read just before
        List<Target> runnable = targets.stream().filter(t -> t.skip() == null).toList();
        Map<String, List<ConsoleStep>> rendered = new LinkedHashMap<>();
        for (int i = 0; i < runnable.size(); i++) {
            Target t = runnable.get(i);
            Map<String, JsonNode> values = new LinkedHashMap<>();
            if (r.variables() != null) {
                values.putAll(r.variables());
            }
            if (r.nodeVariables() != null) {
                Map<String, JsonNode> own = r.nodeVariables().getOrDefault(t.name(), r.nodeVariables().get(t.nodeId()));
                if (own != null) {
                    values.putAll(own);
                }
            }
            Map<String, Object> data;
            try {
                data = new LinkedHashMap<>(Variables.resolve(specs, values, "variables"));
            } catch (ProblemException e) {
                throw new ProblemException(e.problem().with("node", t.name()));
            }
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("id", t.nodeId());
            node.put("name", t.name());
            node.put("type", t.type());
            node.put("index", i + 1);
            node.put("count", runnable.size());
            node.put("next", (i + 1) % runnable.size() + 1);
            node.put("previous", (i - 1 + runnable.size()) % runnable.size() + 1);
            data.put("node", node);
            data.put("nodes", runnable.stream().map(Target::name).toList());
            List<ConsoleStep> steps;
            try {
                steps = templates.render(template, data, script.kind, "body");
            } catch (ProblemException e) {
                throw new ProblemException(e.problem().with("node", t.name()));
            }
            if (steps.isEmpty()) {
                throw new ProblemException(ProblemException.invalid("body", "renders to no command on node "
                        + t.name()).problem().with("node", t.name()));
            }
            rendered.put(t.nodeId(), steps);
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Execution e = new Execution();
        e.id = UUID.randomUUID();
        e.scriptId = script.id;
        e.scriptName = script.name;
        e.scriptVersion = script.version;
        e.kind = script.kind;
        e.projectId = r.projectId();
        e.serverId = serverId;
        e.status = "running";
        e.concurrency = r.concurrency() != null ? r.concurrency() : config.execution().concurrency();
        e.nodeTimeoutMs = r.nodeTimeoutSeconds() != null ? Math.round(r.nodeTimeoutSeconds() * 1000)
                : config.execution().nodeTimeout().toMillis();
        e.stopOnFirstError = Boolean.TRUE.equals(r.stopOnFirstError());
        e.variables = write(r.variables() == null ? Map.of() : r.variables());
        e.owner = runner.replica();
        e.createdAt = now;
        e.heartbeatAt = now;
        List<ExecutionNode> rows = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target t = targets.get(i);
            ExecutionNode n = new ExecutionNode();
            n.id = UUID.randomUUID();
            n.executionId = e.id;
            n.position = i;
            n.nodeId = t.nodeId();
            n.nodeName = t.name();
            List<ConsoleStep> steps = rendered.getOrDefault(t.nodeId(), List.of());
            n.commands = write(steps);
            if (t.skip() != null) {
                n.status = "skipped";
                n.error = t.skip();
                n.finishedAt = now;
            } else {
                n.status = "pending";
            }
            rows.add(n);
        }
        List<AssertionSpec> assertions = new ArrayList<>(scripts.assertions(script));
        assertions.addAll(extraAssertions);
        Duration commandTimeout = script.commandTimeoutMs != null ? Duration.ofMillis(script.commandTimeoutMs)
                : config.console().commandTimeout();
        e.promptRegex = script.promptRegex;
        e.commandTimeoutMs = commandTimeout.toMillis();
        e.assertions = write(assertions);
        ObjectNode started = mapper.createObjectNode().put("executionId", e.id.toString())
                .put("scriptId", script.id.toString()).put("scriptName", script.name)
                .put("scriptVersion", script.version).put("projectId", e.projectId.toString())
                .put("nodes", rows.size()).put("skipped", rows.size() - runnable.size());
        return Panache.withTransaction(() -> e.persist()
                        .chain(() -> ExecutionNode.persist(rows))
                        .chain(() -> events.publish(e.projectId, AutomationEvents.EXECUTION_STARTED, e.id.toString(),
                                started)))
                .map(ignored -> {
                    LiveExecution execution = new LiveExecution(e.id, mapper, config.execution().transcriptMaxChars());
                    live.put(e.id, execution);
                    List<ConsoleRunner.Job> jobs = new ArrayList<>();
                    Map<String, JsonNode> listed = new HashMap<>();
                    targets.forEach(t -> listed.put(t.nodeId(), t.node()));
                    for (ExecutionNode n : rows) {
                        if (!"pending".equals(n.status)) {
                            continue;
                        }
                        jobs.add(new ConsoleRunner.Job(e.id, serverId, e.projectId, n.nodeId, n.nodeName, e.kind,
                                script.promptRegex, rendered.get(n.nodeId), assertions, commandTimeout,
                                Duration.ofMillis(e.nodeTimeoutMs), listed.get(n.nodeId), listedAt));
                    }
                    launch(e, jobs, execution);
                    return view(e, rows, null, false);
                });
    }

    private void launch(Execution e, List<ConsoleRunner.Job> jobs, LiveExecution execution) {
        contexts.start("execution " + e.id, () -> {
            long heartbeat = vertx.setPeriodic(HEARTBEAT.toMillis(), t -> beat(e.id, execution));
            return Multi.createFrom().iterable(jobs)
                    .onItem().transformToUni(job -> runNode(job, e, execution)).merge(e.concurrency)
                    .collect().last()
                    .onTermination().invoke(() -> vertx.cancelTimer(heartbeat))
                    .chain(() -> finish(e.id, execution))
                    .invoke(view -> {
                        if (view != null) {
                            LOG.infof("execution %s of %s on lab %s: %s %s", e.id, e.scriptName, e.projectId,
                                    view.status(), view.counts());
                        }
                    })
                    .onFailure().invoke(failure -> {
                        LOG.errorf(failure, "execution %s could not be recorded", e.id);
                        live.remove(e.id);
                    })
                    .onFailure().recoverWithNull();
        });
    }

    /**
     * The heartbeat, fenced by owner, and a cancel asked of another replica: no row renewed means another replica
     * took the execution over (this one paused longer than the lease), and this one lets go of it.
     */
    private void beat(UUID id, LiveExecution execution) {
        pool.preparedQuery(BEAT).execute(Tuple.of(id, runner.replica())).subscribe().with(rows -> {
            if (rows.rowCount() == 0) {
                if (!execution.lost()) {
                    LOG.warnf("execution %s was taken over by another replica: this one stops running it", id);
                    execution.lose();
                    live.remove(id, execution);
                }
            } else if (rows.iterator().next().getBoolean("cancel_requested") && !execution.cancelled()) {
                execution.cancel();
            }
        }, failure -> LOG.debugf("heartbeat of %s failed: %s", id, failure));
    }

    private Uni<Void> runNode(ConsoleRunner.Job job, Execution e, LiveExecution execution) {
        if (execution.cancelled()) {
            return record(job, execution, new ConsoleRunner.Outcome("cancelled", "cancelled before it started", List.of(),
                    null));
        }
        if (execution.stopping()) {
            return record(job, execution, new ConsoleRunner.Outcome("skipped",
                    "an earlier node failed (stopOnFirstError)", List.of(), null));
        }
        // one statement, no transaction around it: the node's row goes running as its console opens
        return runner.run(job, execution, startedAt -> pool.preparedQuery("UPDATE execution_node SET status = "
                        + "'running', started_at = $3 WHERE execution_id = $1 AND node_id = $2 AND status = 'pending'")
                        .execute(Tuple.of(job.executionId(), job.nodeId(), startedAt)).replaceWithVoid())
                .chain(outcome -> {
                    if (e.stopOnFirstError && ("failed".equals(outcome.status())
                            || "timed-out".equals(outcome.status()))) {
                        execution.stop();
                    }
                    return record(job, execution, outcome);
                });
    }

    private Uni<Void> record(ConsoleRunner.Job job, LiveExecution execution, ConsoleRunner.Outcome outcome) {
        if (execution.lost()) {
            return Uni.createFrom().voidItem(); // the replica that took it over runs and records this node
        }
        Transcript transcript = execution.transcript(job.nodeId(), job.nodeName());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return contexts.transaction(() -> ExecutionNode.<ExecutionNode>find("executionId = ?1 and nodeId = ?2",
                        job.executionId(), job.nodeId()).firstResult()
                .chain(n -> {
                    n.status = outcome.status();
                    n.error = outcome.error();
                    n.transcript = transcript.text();
                    n.transcriptTruncated = transcript.truncated();
                    n.assertions = outcome.assertions().isEmpty() ? null : write(outcome.assertions());
                    if (outcome.startedAt() != null) {
                        n.startedAt = outcome.startedAt();
                    } else if ("skipped".equals(outcome.status())) {
                        n.startedAt = null; // its console never opened
                    }
                    n.finishedAt = now;
                    ObjectNode data = mapper.createObjectNode().put("executionId", job.executionId().toString())
                            .put("nodeId", n.nodeId).put("nodeName", n.nodeName).put("status", n.status);
                    if (n.error != null) {
                        data.put("error", n.error);
                    }
                    return events.publish(job.projectId(), AutomationEvents.NODE_FINISHED,
                            job.executionId().toString(), data);
                }))
                .invoke(() -> execution.nodeFinished(job.nodeId(), job.nodeName(), outcome.status(), outcome.error()))
                .onFailure().invoke(failure -> LOG.warnf(failure, "node %s of execution %s could not be recorded",
                        job.nodeName(), job.executionId()))
                .onFailure().recoverWithNull();
    }

    private Uni<ExecutionView> finish(UUID id, LiveExecution execution) {
        if (execution.lost()) {
            return Uni.createFrom().nullItem();
        }
        return contexts.transaction(() -> Execution.<Execution>findById(id).chain(e -> ExecutionNode
                .<ExecutionNode>list("executionId = ?1 order by position", id).chain(rows -> {
                    if (!runner.replica().equals(e.owner) || !"running".equals(e.status)) {
                        execution.lose(); // taken over while this replica paused: the new owner ends it
                        return Uni.createFrom().<ExecutionView>nullItem();
                    }
                    Map<String, Long> counts = counts(rows);
                    e.status = execution.cancelled() ? "cancelled"
                            : counts.getOrDefault("failed", 0L) + counts.getOrDefault("timed-out", 0L) > 0
                            ? "failed" : "succeeded";
                    e.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                    e.heartbeatAt = e.finishedAt;
                    ObjectNode data = mapper.createObjectNode().put("executionId", id.toString())
                            .put("scriptId", e.scriptId.toString()).put("scriptName", e.scriptName)
                            .put("status", e.status);
                    data.set("counts", mapper.valueToTree(counts));
                    return events.publish(e.projectId, AutomationEvents.EXECUTION_FINISHED, id.toString(), data)
                            .map(ignored -> view(e, rows, null, false));
                })))
                .invoke(view -> {
                    if (view == null) {
                        live.remove(id, execution);
                        return;
                    }
                    Counter.builder("labfleet.automation.executions").description("Script executions finished")
                            .tag("kind", view.kind()).tag("status", view.status()).register(registry).increment();
                    execution.finish(view);
                    live.remove(id);
                });
    }

    private static Map<String, Long> counts(List<ExecutionNode> rows) {
        Map<String, Long> counts = new LinkedHashMap<>();
        rows.forEach(n -> counts.merge(n.status, 1L, Long::sum));
        return counts;
    }

    @WithSession
    public Uni<ExecutionView> get(UUID id, boolean transcripts) {
        return find(id).chain(e -> ExecutionNode.<ExecutionNode>list("executionId = ?1 order by position", id)
                .map(rows -> view(e, rows, live.get(id), transcripts)));
    }

    /** The execution's status and per-status counts without its nodes: one aggregate instead of every row. */
    @WithSession
    public Uni<ExecutionView> summary(UUID id) {
        return find(id).chain(e -> Panache.getSession().chain(session -> session.createSelectionQuery(
                        "select n.status, count(n) from ExecutionNode n where n.executionId = :id "
                                + "group by n.status order by min(n.position)", Object[].class)
                .setParameter("id", id).getResultList()).map(rows -> {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    rows.forEach(r -> counts.put((String) r[0], ((Number) r[1]).longValue()));
                    ExecutionView full = view(e, null, null, false);
                    return new ExecutionView(full.id(), full.scriptId(), full.scriptName(), full.scriptVersion(),
                            full.kind(), full.projectId(), full.serverId(), full.status(), full.concurrency(),
                            full.nodeTimeoutSeconds(), full.stopOnFirstError(), full.cancelRequested(), counts,
                            full.createdAt(), full.finishedAt(), full.error(), null);
                }));
    }

    /** {@link #get} from any thread (the stream polls it after delays, off the event loop). */
    public Uni<ExecutionView> detached(UUID id) {
        return contexts.session(() -> get(id, true));
    }

    private Uni<Execution> find(UUID id) {
        return Execution.<Execution>findById(id).onItem().ifNull().failWith(() -> new ProblemException(
                ProblemException.notFound("execution " + id + " does not exist").problem().with("executionId", id)));
    }

    @WithSession
    public Uni<List<ExecutionView>> list(UUID projectId, UUID scriptId) {
        StringBuilder query = new StringBuilder("1 = 1");
        Map<String, Object> params = new HashMap<>();
        if (projectId != null) {
            query.append(" and projectId = :projectId");
            params.put("projectId", projectId);
        }
        if (scriptId != null) {
            query.append(" and scriptId = :scriptId");
            params.put("scriptId", scriptId);
        }
        return Execution.<Execution>find(query + " order by createdAt desc", params).page(0, 100).list()
                .map(list -> list.stream().map(e -> view(e, null, null, false)).toList());
    }

    /** Cancel: running sessions are closed, pending nodes become cancelled; a 409 once the execution has ended. */
    public Uni<ExecutionView> cancel(UUID id) {
        return Panache.withTransaction(() -> find(id).invoke(e -> {
                    if (!"running".equals(e.status)) {
                        throw new ProblemException(ProblemException.conflict("execution " + id + " is " + e.status
                                + ": there is nothing to cancel").problem().with("executionId", id));
                    }
                    e.cancelRequested = true;
                }))
                .invoke(() -> {
                    LiveExecution execution = live.get(id);
                    if (execution != null) {
                        execution.cancel();
                    }
                })
                .chain(() -> Panache.withSession(() -> get(id, false)));
    }

    /** The live stream of a running execution here, or null (finished, or run by another replica). */
    public LiveExecution live(UUID id) {
        return live.get(id);
    }

    /**
     * Takes over executions whose replica stopped renewing them (it died): nodes with an outcome keep it, a node cut
     * mid-session and the pending ones are run here (a cut node's commands are sent again: {@code attempts} says so;
     * its console lease frees when the dead holder's expires). An execution taken over {@code max-takeovers} times
     * without ending, or one from before takeovers existed, is marked interrupted instead; its records so far stay.
     */
    @Scheduled(every = "${labfleet.automation.execution.claim-every:2s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> takeOver() {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(runner.replica(), config.execution().lease().toMillis()))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> resume(row.getUUID("id"))
                        .onFailure().invoke(failure -> LOG.warnf(failure, "execution %s could not be taken over",
                                row.getUUID("id")))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.debugf("takeover tick failed: %s", failure))
                .onFailure().recoverWithNull();
    }

    /**
     * A graceful stop hands this replica's executions over at once instead of after the lease: their sessions close,
     * nothing more is recorded here, and another replica runs the nodes that had not finished.
     */
    void onStop(@Observes ShutdownEvent event) {
        List<LiveExecution> held = List.copyOf(live.values());
        if (held.isEmpty()) {
            return;
        }
        held.forEach(LiveExecution::lose);
        try {
            // the shutdown thread, never an event loop: waiting here is what lets another replica start at once
            int n = pool.preparedQuery(RELEASE).execute(Tuple.of(runner.replica())).await()
                    .atMost(Duration.ofSeconds(2)).rowCount();
            LOG.infof("%d running execution(s) handed over", n);
        } catch (RuntimeException e) {
            LOG.infof("executions not handed over (%s): another replica takes them when their lease runs out",
                    e.toString());
        }
    }

    /** What a taken-over execution needs to go on: its row and its nodes' records, written as resumed. */
    private record Resumed(Execution execution, List<ExecutionNode> rows, boolean interrupted) {
    }

    private Uni<Void> resume(UUID id) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return contexts.transaction(() -> Execution.<Execution>findById(id).chain(e -> ExecutionNode
                        .<ExecutionNode>list("executionId = ?1 order by position", id).map(rows -> {
                            boolean give = e.takeovers > config.execution().maxTakeovers() || e.commandTimeoutMs == null;
                            if (give) {
                                e.status = "interrupted";
                                e.finishedAt = now;
                                e.error = e.commandTimeoutMs == null ? "the replica running it stopped"
                                        : "the replica running it stopped (taken over " + (e.takeovers - 1)
                                        + " times without ending)";
                            }
                            for (ExecutionNode n : rows) {
                                if (give && ("pending".equals(n.status) || "running".equals(n.status))) {
                                    n.status = "failed";
                                    n.finishedAt = now;
                                    n.error = "the replica running it stopped";
                                } else if (!give && "running".equals(n.status)) {
                                    n.status = "pending"; // its session died with its replica: run again here
                                    n.startedAt = null;
                                    n.attempts++;
                                }
                            }
                            return new Resumed(e, rows, give);
                        })))
                .invoke(r -> {
                    Counter.builder("labfleet.automation.executions.taken.over")
                            .description("Script executions taken over from a replica that stopped renewing them")
                            .tag("outcome", r.interrupted() ? "interrupted" : "resumed").register(registry).increment();
                    if (r.interrupted()) {
                        LOG.warnf("execution %s interrupted: %s", id, r.execution().error);
                        return;
                    }
                    Execution e = r.execution();
                    LiveExecution execution = new LiveExecution(e.id, mapper, config.execution().transcriptMaxChars());
                    if (e.cancelRequested) {
                        execution.cancel();
                    }
                    if (e.stopOnFirstError && r.rows().stream().anyMatch(n -> "failed".equals(n.status)
                            || "timed-out".equals(n.status))) {
                        execution.stop();
                    }
                    List<AssertionSpec> assertions = e.assertions == null ? List.of() : read(e.assertions, ASSERTIONS);
                    List<ConsoleRunner.Job> jobs = new ArrayList<>();
                    for (ExecutionNode n : r.rows()) {
                        if ("pending".equals(n.status)) {
                            jobs.add(new ConsoleRunner.Job(e.id, e.serverId, e.projectId, n.nodeId, n.nodeName, e.kind,
                                    e.promptRegex, read(n.commands, STEPS), assertions,
                                    Duration.ofMillis(e.commandTimeoutMs), Duration.ofMillis(e.nodeTimeoutMs), null, 0));
                        }
                    }
                    LOG.infof("execution %s of %s on lab %s taken over (%d node(s) to run)", e.id, e.scriptName,
                            e.projectId, jobs.size());
                    live.put(e.id, execution);
                    launch(e, jobs, execution);
                })
                .replaceWithVoid();
    }

    ExecutionView view(Execution e, List<ExecutionNode> rows, LiveExecution running, boolean transcripts) {
        List<ExecutionView.NodeRun> nodes = null;
        if (rows != null) {
            nodes = new ArrayList<>();
            for (ExecutionNode n : rows) {
                String transcript = n.transcript;
                boolean truncated = n.transcriptTruncated;
                if (transcript == null && running != null && "running".equals(n.status)) {
                    Transcript t = running.transcript(n.nodeId, n.nodeName);
                    transcript = t.text();
                    truncated = t.truncated();
                }
                List<String> commands = read(n.commands, STEPS).stream().map(ConsoleStep::display).toList();
                nodes.add(new ExecutionView.NodeRun(n.nodeId, n.nodeName, n.status, commands,
                        transcript, truncated,
                        n.assertions == null ? null : tree(n.assertions), n.startedAt, n.finishedAt, n.error,
                        n.attempts));
            }
        }
        return new ExecutionView(e.id, e.scriptId, e.scriptName, e.scriptVersion, e.kind, e.projectId, e.serverId,
                e.status, e.concurrency, e.nodeTimeoutMs / 1000.0, e.stopOnFirstError, e.cancelRequested,
                rows == null ? null : counts(rows), e.createdAt, e.finishedAt, e.error, nodes);
    }

    private String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return mapper.readValue(text, type);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("stored execution field cannot be read", ex);
        }
    }

    private JsonNode tree(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException ex) {
            return null;
        }
    }

}
