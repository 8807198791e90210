package dev.labfleet.automation.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.automation.domain.Script;
import dev.labfleet.automation.domain.Workflow;
import dev.labfleet.automation.domain.WorkflowRun;
import dev.labfleet.automation.rest.WorkflowRunRequest;
import dev.labfleet.automation.rest.WorkflowRunView;
import dev.labfleet.automation.rest.WorkflowView;
import dev.labfleet.automation.script.Variables;
import dev.labfleet.automation.workflow.StepResult;
import dev.labfleet.automation.workflow.StepSpec;
import dev.labfleet.automation.workflow.WorkflowDefinition;
import dev.labfleet.automation.workflow.WorkflowValidator;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** Workflows (checked before they are saved, versioned) and the start and control of their durable runs. */
@ApplicationScoped
public class WorkflowService {

    static final TypeReference<List<StepSpec>> STEPS = new TypeReference<>() { };
    static final TypeReference<List<StepResult>> RESULTS = new TypeReference<>() { };

    private final ObjectMapper mapper;
    private final WorkflowEngine engine;

    public WorkflowService(ObjectMapper mapper, WorkflowEngine engine) {
        this.mapper = mapper;
        this.engine = engine;
    }

    @WithSession
    public Uni<List<WorkflowView>> list() {
        return Workflow.<Workflow>list("order by name").map(list -> list.stream().map(this::view).toList());
    }

    @WithSession
    public Uni<WorkflowView> get(UUID id) {
        return find(id).map(this::view);
    }

    Uni<Workflow> find(UUID id) {
        return Workflow.<Workflow>findById(id).onItem().ifNull().failWith(() -> new ProblemException(
                ProblemException.notFound("workflow " + id + " does not exist").problem().with("workflowId", id)));
    }

    @WithTransaction
    public Uni<WorkflowView> create(WorkflowDefinition definition) {
        return check(definition).chain(() -> unique(definition.name(), null)).chain(() -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Workflow w = new Workflow();
            w.id = UUID.randomUUID();
            w.name = definition.name();
            w.definition = write(definition);
            w.version = 1;
            w.createdAt = now;
            w.updatedAt = now;
            return w.<Workflow>persist().map(this::view);
        });
    }

    @WithTransaction
    public Uni<WorkflowView> replace(UUID id, WorkflowDefinition definition) {
        return check(definition).chain(() -> find(id)).chain(w -> unique(definition.name(), id).map(ignored -> {
            String next = write(definition);
            if (!next.equals(w.definition)) {
                w.name = definition.name();
                w.definition = next;
                w.version++;
                w.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            }
            return view(w);
        }));
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return find(id).chain(Workflow::delete);
    }

    /** The definition's problems, and scripts its steps name that the library does not have: one 400. */
    private Uni<Void> check(WorkflowDefinition definition) {
        if (definition == null) {
            throw ProblemException.badRequest("a workflow is required as the request body");
        }
        List<Problem.Violation> v = new ArrayList<>();
        WorkflowValidator.check(definition, v);
        List<StepSpec> steps = definition.steps() == null ? List.of() : definition.steps();
        Set<String> names = steps.stream().filter(s -> s != null && s.script() != null).map(StepSpec::script)
                .collect(Collectors.toSet());
        Uni<List<Script>> known = names.isEmpty() ? Uni.createFrom().item(List.of())
                : Script.list("name in ?1", names);
        return known.map(found -> {
            Set<String> have = found.stream().map(s -> s.name).collect(Collectors.toSet());
            for (int i = 0; i < steps.size(); i++) {
                StepSpec s = steps.get(i);
                if (s != null && s.script() != null && !have.contains(s.script())) {
                    v.add(new Problem.Violation("steps[" + i + "]" + (s.id() == null ? "" : " (" + s.id() + ")")
                            + ".script", "no script named '" + s.script() + "' in the library"));
                }
            }
            if (!v.isEmpty()) {
                throw Variables.invalid(v);
            }
            return null;
        });
    }

    private Uni<Void> unique(String name, UUID self) {
        return Workflow.<Workflow>find("name", name).firstResult().map(other -> {
            if (other != null && !other.id.equals(self)) {
                throw new ProblemException(ProblemException.conflict("a workflow named '" + name + "' exists already")
                        .problem().with("workflowId", other.id));
            }
            return null;
        });
    }

    /** A new durable run (202): variables checked, steps fixed in run order; a replica claims it at once. */
    public Uni<WorkflowRunView> start(UUID workflowId, WorkflowRunRequest request) {
        WorkflowRunRequest r = request == null ? new WorkflowRunRequest(null, null) : request;
        return io.quarkus.hibernate.reactive.panache.Panache.withTransaction(() -> find(workflowId).chain(w -> {
            WorkflowDefinition d = definition(w);
            Map<String, Object> values = Variables.resolve(d.variables(), r.variables(), "variables");
            List<StepSpec> order = WorkflowValidator.check(d, new ArrayList<>());
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            WorkflowRun run = new WorkflowRun();
            run.id = UUID.randomUUID();
            run.workflowId = w.id;
            run.workflowName = w.name;
            run.workflowVersion = w.version;
            run.steps = write(order);
            run.projectId = r.projectId();
            run.status = "running";
            run.nextStep = 0;
            run.variables = write(values);
            run.results = "[]";
            run.createdAt = now;
            run.updatedAt = now;
            return run.<WorkflowRun>persist();
        })).invoke(run -> engine.kick()).map(this::view);
    }

    @WithSession
    public Uni<WorkflowRunView> run(UUID runId) {
        return findRun(runId).map(this::view);
    }

    @WithSession
    public Uni<List<WorkflowRunView>> runs(UUID workflowId) {
        return WorkflowRun.<WorkflowRun>find("workflowId = ?1 order by createdAt desc", workflowId).page(0, 100).list()
                .map(list -> list.stream().map(this::view).toList());
    }

    Uni<WorkflowRun> findRun(UUID runId) {
        return WorkflowRun.<WorkflowRun>findById(runId).onItem().ifNull().failWith(() -> new ProblemException(
                ProblemException.notFound("workflow execution " + runId + " does not exist").problem()
                        .with("executionId", runId)));
    }

    /** Pause: the current step finishes, the next one waits for resume. */
    @WithTransaction
    public Uni<WorkflowRunView> pause(UUID runId) {
        return findRun(runId).map(run -> {
            if (!"running".equals(run.status)) {
                throw conflict(run, "pause");
            }
            run.status = "paused";
            run.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            return view(run);
        });
    }

    /** Resume a paused run, or approve the approval step a run waits on. */
    public Uni<WorkflowRunView> resume(UUID runId) {
        return io.quarkus.hibernate.reactive.panache.Panache.withTransaction(() -> findRun(runId).map(run -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            if ("waiting-approval".equals(run.status)) {
                List<StepResult> results = read(run.results, RESULTS);
                StepResult last = results.get(run.nextStep);
                results.set(run.nextStep, last.with("approved", null, null, null, now));
                run.results = write(results);
                run.nextStep++;
            } else if (!"paused".equals(run.status)) {
                throw conflict(run, "resume");
            }
            run.status = "running";
            run.owner = null;
            run.leaseUntil = null;
            run.updatedAt = now;
            return view(run);
        })).invoke(engine::kick);
    }

    @WithTransaction
    public Uni<WorkflowRunView> cancel(UUID runId) {
        return findRun(runId).map(run -> {
            if (Set.of("succeeded", "failed", "cancelled").contains(run.status)) {
                throw conflict(run, "cancel");
            }
            run.status = "cancelled";
            run.finishedAt = OffsetDateTime.now(ZoneOffset.UTC);
            run.updatedAt = run.finishedAt;
            return view(run);
        });
    }

    private static ProblemException conflict(WorkflowRun run, String what) {
        return new ProblemException(ProblemException.conflict("workflow execution " + run.id + " is " + run.status
                + ": it cannot " + what).problem().with("executionId", run.id));
    }

    WorkflowDefinition definition(Workflow w) {
        try {
            return mapper.readValue(w.definition, WorkflowDefinition.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored workflow cannot be read", e);
        }
    }

    WorkflowView view(Workflow w) {
        WorkflowDefinition d = definition(w);
        return new WorkflowView(w.id, w.name, d.description(), d.variables(), d.steps(), w.version, w.createdAt,
                w.updatedAt);
    }

    WorkflowRunView view(WorkflowRun run) {
        List<StepSpec> steps = read(run.steps, STEPS);
        JsonNode variables;
        try {
            variables = mapper.readTree(run.variables);
        } catch (JsonProcessingException e) {
            variables = null;
        }
        return new WorkflowRunView(run.id, run.workflowId, run.workflowName, run.workflowVersion, run.projectId,
                run.status, run.nextStep, run.nextStep < steps.size() ? steps.get(run.nextStep).id() : null, variables,
                read(run.results, RESULTS), run.owner, run.leaseUntil, run.takeovers, run.createdAt, run.updatedAt,
                run.finishedAt, run.error);
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
