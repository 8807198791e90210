package dev.labfleet.automation.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.labfleet.automation.domain.Script;
import dev.labfleet.automation.rest.ImportReport;
import dev.labfleet.automation.rest.InstantiateRequest;
import dev.labfleet.automation.rest.ScriptRequest;
import dev.labfleet.automation.rest.ScriptView;
import dev.labfleet.automation.script.AssertionSpec;
import dev.labfleet.automation.script.Dialect;
import dev.labfleet.automation.script.NodeFilter;
import dev.labfleet.automation.script.ScriptTemplates;
import dev.labfleet.automation.script.VariableSpec;
import dev.labfleet.automation.script.Variables;
import dev.labfleet.common.problem.Names;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.FieldPaths;
import dev.labfleet.common.problem.ProblemTypes;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The script library: checked before it is saved, versioned on every change, exported and imported as YAML. */
@ApplicationScoped
public class ScriptService {

    static final Set<String> ASSERTION_TYPES = Set.of("match", "notMatch", "pingLoss");
    private static final int MAX_BODY = 256 * 1024;
    private static final TypeReference<List<VariableSpec>> VARIABLES = new TypeReference<>() { };
    private static final TypeReference<List<AssertionSpec>> ASSERTIONS = new TypeReference<>() { };

    private final ObjectMapper json;
    private final YAMLMapper yaml;
    private final ScriptTemplates templates;

    public ScriptService(ObjectMapper json, ScriptTemplates templates) {
        this.json = json;
        this.templates = templates;
        this.yaml = (YAMLMapper) new YAMLMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE).build())
                .findAndRegisterModules()
                .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    @WithSession
    public Uni<List<ScriptView>> list(Boolean template) {
        Uni<List<Script>> scripts = template == null ? Script.list("order by name")
                : Script.list("template = ?1 order by name", template);
        return scripts.map(list -> list.stream().map(this::view).toList());
    }

    @WithSession
    public Uni<ScriptView> get(UUID id) {
        return find(id).map(this::view);
    }

    /** The stored script, or a 404. */
    public Uni<Script> find(UUID id) {
        return Script.<Script>findById(id).onItem().ifNull().failWith(() -> new ProblemException(
                ProblemException.notFound("script " + id + " does not exist").problem().with("scriptId", id)));
    }

    @WithTransaction
    public Uni<ScriptView> create(ScriptRequest request) {
        check(request, "");
        return unique(request.name(), null).chain(() -> {
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            Script s = new Script();
            s.id = UUID.randomUUID();
            s.createdAt = now;
            s.version = 1;
            apply(s, request, now);
            return s.<Script>persist().map(this::view);
        });
    }

    @WithTransaction
    public Uni<ScriptView> replace(UUID id, ScriptRequest request) {
        check(request, "");
        return find(id).chain(s -> unique(request.name(), id).map(ignored -> {
            if (!same(s, request)) {
                apply(s, request, OffsetDateTime.now(ZoneOffset.UTC));
                s.version++;
            }
            return view(s);
        }));
    }

    @WithTransaction
    public Uni<Void> delete(UUID id) {
        return find(id).chain(Script::delete);
    }

    /** A new script from a template, with the given values bound as its variables' defaults. */
    @WithTransaction
    public Uni<ScriptView> instantiate(UUID templateId, InstantiateRequest request) {
        if (request == null) {
            throw ProblemException.invalid("name", "is required");
        }
        return find(templateId).chain(t -> {
            if (!t.template) {
                throw new ProblemException(ProblemException.conflict("script " + t.name
                        + " is not a template (isTemplate false): run it instead").problem().with("scriptId", t.id));
            }
            List<VariableSpec> specs = variables(t);
            // a template's required variables may stay open (the new script requires them); given values are checked
            Variables.resolve(specs.stream().map(v -> new VariableSpec(v.name(), v.type(), false, v.defaultValue(),
                    v.allowed(), v.description())).toList(), request.variables() == null ? Map.of()
                    : request.variables(), "variables");
            // the required ones without a value stay required; given ones become defaults
            List<VariableSpec> bound = specs.stream().map(v -> request.variables() != null
                    && request.variables().get(v.name()) != null ? v.withDefault(request.variables().get(v.name())) : v)
                    .toList();
            ScriptRequest copy = new ScriptRequest(request.name(), request.description() != null ? request.description()
                    : t.description, t.kind, t.body, bound, filter(t), assertions(t), t.promptRegex,
                    t.commandTimeoutMs == null ? null : t.commandTimeoutMs / 1000.0, false);
            check(copy, "");
            return unique(copy.name(), null).chain(() -> {
                OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                Script s = new Script();
                s.id = UUID.randomUUID();
                s.createdAt = now;
                s.version = 1;
                apply(s, copy, now);
                s.templateId = t.id;
                return s.<Script>persist().map(this::view);
            });
        });
    }

    /** The whole library as YAML: {@code scripts:} a list of scripts as they are created. */
    @WithSession
    public Uni<String> export() {
        return Script.<Script>list("order by name").map(list -> {
            List<ScriptRequest> out = list.stream().map(this::request).toList();
            try {
                return yaml.writeValueAsString(Map.of("scripts", out));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("script library cannot be written as YAML", e);
            }
        });
    }

    /**
     * Scripts from YAML (as {@link #export()} writes it): created, or updated by name (a new version when they
     * differ). Every script is checked before any is written: one bad script is a 400 naming it, and nothing changes.
     */
    @WithTransaction
    public Uni<ImportReport> importYaml(String text) {
        Library library = readYaml(text);
        List<ScriptRequest> scripts = library.scripts() == null ? List.of() : library.scripts();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < scripts.size(); i++) {
            if (scripts.get(i) == null) {
                throw ProblemException.invalid("scripts[" + i + "]", "must not be null");
            }
            check(scripts.get(i), "scripts[" + i + "].");
            if (!names.add(scripts.get(i).name())) {
                throw ProblemException.invalid("scripts[" + i + "].name", "'" + scripts.get(i).name()
                        + "' appears twice in the file");
            }
        }
        List<String> created = new ArrayList<>();
        List<String> updated = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Multi.createFrom().iterable(scripts)
                .onItem().transformToUniAndConcatenate(r -> Script.<Script>find("name", r.name()).firstResult()
                        .chain(existing -> {
                            if (existing == null) {
                                Script s = new Script();
                                s.id = UUID.randomUUID();
                                s.createdAt = now;
                                s.version = 1;
                                apply(s, r, now);
                                created.add(r.name());
                                return s.persist().replaceWithVoid();
                            }
                            if (same(existing, r)) {
                                unchanged.add(r.name());
                            } else {
                                apply(existing, r, now);
                                existing.version++;
                                updated.add(r.name());
                            }
                            return Uni.createFrom().voidItem();
                        }))
                .collect().last()
                .map(ignored -> new ImportReport(created, updated, unchanged));
    }

    record Library(List<ScriptRequest> scripts) {
    }

    private Library readYaml(String text) {
        if (text == null || text.isBlank()) {
            throw ProblemException.badRequest("the YAML document is empty: expected 'scripts:' and a list");
        }
        try {
            Library library = yaml.readValue(text, Library.class);
            if (library == null) {
                throw ProblemException.badRequest("the YAML document is empty: expected 'scripts:' and a list");
            }
            return library;
        } catch (UnrecognizedPropertyException e) {
            String path = FieldPaths.of(e);
            throw ProblemException.invalid(path.isEmpty() ? e.getPropertyName() : path,
                    "unknown field '" + e.getPropertyName() + "' (line " + e.getLocation().getLineNr() + ")");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String path = FieldPaths.of(e);
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw ProblemException.invalid(path.isEmpty() ? "scripts" : path, "cannot be read" + where + ": "
                    + e.getOriginalMessage().replaceAll("(?:[a-z]+\\.)+([A-Z]\\w+)(\\$\\w+)?", "$1")
                    .replaceAll("(?s)\\n.*", ""));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " on line " + e.getLocation().getLineNr();
            throw new ProblemException(Problem.of(ProblemTypes.MALFORMED, "malformed YAML" + where + ": "
                    + e.getOriginalMessage().replaceAll("(?s)\\n.*", "")));
        }
    }

    private Uni<Void> unique(String name, UUID self) {
        return Script.<Script>find("name", name).firstResult().map(other -> {
            if (other != null && !other.id.equals(self)) {
                throw new ProblemException(ProblemException.conflict("a script named '" + name + "' exists already")
                        .problem().with("scriptId", other.id));
            }
            return null;
        });
    }

    /** Every problem of a script request, as one 400 naming the fields (prefixed with {@code prefix}). */
    public void check(ScriptRequest r, String prefix) {
        if (r == null) {
            throw ProblemException.badRequest("a script is required as the request body");
        }
        List<Problem.Violation> v = new ArrayList<>();
        String nameProblem = r.name() == null ? "is required" : Names.problem(r.name());
        if (nameProblem != null) {
            v.add(new Problem.Violation(prefix + "name", nameProblem));
        }
        Dialect dialect = Dialect.of(r.kind()).orElse(null);
        if (r.kind() == null) {
            v.add(new Problem.Violation(prefix + "kind", "is required: one of " + Dialect.names()));
        } else if (dialect == null) {
            v.add(new Problem.Violation(prefix + "kind", "must be one of " + Dialect.names()));
        }
        if (r.body() == null || r.body().isBlank()) {
            v.add(new Problem.Violation(prefix + "body", "is required"));
        } else if (r.body().length() > MAX_BODY) {
            v.add(new Problem.Violation(prefix + "body", "is longer than " + MAX_BODY + " characters"));
        } else {
            try {
                templates.parse(r.body(), prefix + "body");
            } catch (ProblemException e) {
                v.add(ScriptTemplates.violation(e));
            }
        }
        v.addAll(Variables.check(r.variables(), prefix + "variables"));
        if (r.nodeFilter() != null && r.nodeFilter().nameGlob() != null && r.nodeFilter().nameGlob().length() > 200) {
            v.add(new Problem.Violation(prefix + "nodeFilter.nameGlob", "is longer than 200 characters"));
        }
        if (r.assertions() != null) {
            for (int i = 0; i < r.assertions().size(); i++) {
                checkAssertion(r.assertions().get(i), prefix + "assertions[" + i + "]", v);
            }
        }
        if (dialect == Dialect.CUSTOM && (r.promptRegex() == null || r.promptRegex().isBlank())) {
            v.add(new Problem.Violation(prefix + "promptRegex", "is required for custom scripts"));
        }
        if (r.promptRegex() != null) {
            compile(r.promptRegex(), prefix + "promptRegex", v);
        }
        if (r.commandTimeoutSeconds() != null && (r.commandTimeoutSeconds() <= 0 || r.commandTimeoutSeconds() > 3600)) {
            v.add(new Problem.Violation(prefix + "commandTimeoutSeconds", "must be more than 0 and at most 3600"));
        }
        if (!v.isEmpty()) {
            throw Variables.invalid(v);
        }
    }

    public static void checkAssertion(AssertionSpec a, String at, List<Problem.Violation> v) {
        if (a == null) {
            v.add(new Problem.Violation(at, "must not be null"));
            return;
        }
        if (a.type() == null || !ASSERTION_TYPES.contains(a.type())) {
            v.add(new Problem.Violation(at + ".type", "must be one of match, notMatch, pingLoss"));
        } else if (!a.type().equals("pingLoss")) {
            if (a.pattern() == null || a.pattern().isEmpty()) {
                v.add(new Problem.Violation(at + ".pattern", "is required for " + a.type()));
            } else {
                compile(a.pattern(), at + ".pattern", v);
            }
        }
        if (a.maxLossPercent() != null && (a.maxLossPercent() < 0 || a.maxLossPercent() > 100)) {
            v.add(new Problem.Violation(at + ".maxLossPercent", "must be between 0 and 100"));
        }
        if (a.command() != null && a.command() < 1) {
            v.add(new Problem.Violation(at + ".command", "must be 1 or more (the command's number in the body)"));
        }
        if (a.retries() != null && (a.retries() < 0 || a.retries() > 100)) {
            v.add(new Problem.Violation(at + ".retries", "must be between 0 and 100"));
        }
        if (a.intervalMs() != null && (a.intervalMs() < 0 || a.intervalMs() > 600_000)) {
            v.add(new Problem.Violation(at + ".intervalMs", "must be between 0 and 600000"));
        }
    }

    static void compile(String regex, String at, List<Problem.Violation> v) {
        try {
            Pattern.compile(regex, Pattern.MULTILINE);
        } catch (PatternSyntaxException e) {
            v.add(new Problem.Violation(at, "the regex does not compile: " + e.getDescription() + " near index "
                    + e.getIndex()));
        }
    }

    private void apply(Script s, ScriptRequest r, OffsetDateTime now) {
        s.name = r.name();
        s.description = r.description();
        s.kind = Dialect.of(r.kind()).orElseThrow().id();
        s.body = r.body();
        s.variables = write(r.variables() == null ? List.of() : r.variables());
        s.nodeFilter = write(r.nodeFilter() == null ? NodeFilter.ANY : r.nodeFilter());
        s.assertions = write(r.assertions() == null ? List.of() : r.assertions());
        s.promptRegex = r.promptRegex();
        s.commandTimeoutMs = r.commandTimeoutSeconds() == null ? null : Math.round(r.commandTimeoutSeconds() * 1000);
        s.template = Boolean.TRUE.equals(r.isTemplate());
        s.updatedAt = now;
    }

    private boolean same(Script s, ScriptRequest r) {
        ScriptRequest current = request(s);
        ScriptRequest next = new ScriptRequest(r.name(), r.description(), Dialect.of(r.kind()).orElseThrow().id(),
                r.body(), r.variables() == null ? List.of() : r.variables(),
                r.nodeFilter() == null ? NodeFilter.ANY : r.nodeFilter(),
                r.assertions() == null ? List.of() : r.assertions(), r.promptRegex(), r.commandTimeoutSeconds() == null
                ? null : Math.round(r.commandTimeoutSeconds() * 1000) / 1000.0, Boolean.TRUE.equals(r.isTemplate()));
        return json.valueToTree(current).equals(json.valueToTree(next));
    }

    public ScriptView view(Script s) {
        return new ScriptView(s.id, s.name, s.description, s.kind, s.body, variables(s), filter(s), assertions(s),
                s.promptRegex, s.commandTimeoutMs == null ? null : s.commandTimeoutMs / 1000.0, s.template,
                s.templateId, s.version, s.createdAt, s.updatedAt);
    }

    private ScriptRequest request(Script s) {
        return new ScriptRequest(s.name, s.description, s.kind, s.body, variables(s), filter(s), assertions(s),
                s.promptRegex, s.commandTimeoutMs == null ? null : s.commandTimeoutMs / 1000.0, s.template);
    }

    public List<VariableSpec> variables(Script s) {
        return read(s.variables, VARIABLES);
    }

    public NodeFilter filter(Script s) {
        return Objects.requireNonNullElse(read(s.nodeFilter, new TypeReference<NodeFilter>() { }), NodeFilter.ANY);
    }

    public List<AssertionSpec> assertions(Script s) {
        return read(s.assertions, ASSERTIONS);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text, TypeReference<T> type) {
        try {
            return json.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored script field cannot be read", e);
        }
    }

    /** For tests and callers holding a tree. */
    public JsonNode tree(Object value) {
        return json.valueToTree(value);
    }
}
