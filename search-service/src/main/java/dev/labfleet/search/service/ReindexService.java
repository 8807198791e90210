package dev.labfleet.search.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.search.client.SourceClient;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.index.DocumentMapper;
import dev.labfleet.search.index.IndexChanged;
import dev.labfleet.search.index.IndexDoc;
import dev.labfleet.search.index.IndexOp;
import dev.labfleet.search.index.IndexSchema;
import dev.labfleet.search.index.IndexWriter;
import dev.labfleet.search.index.Kind;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Rebuilds the index from the owning services' APIs: servers (gateway), templates (topology-service), labs and
 * their snapshots (project-service), each lab's nodes and links (topology-service), and what automation- and
 * monitoring-service list (scripts, workflows, executions, anomalies, incidents; a 404 means the service does not
 * offer that list yet and is skipped). Each document is written stamped with the time it was read, so an event newer
 * than the read still wins; after a complete read of a kind, documents of that kind the source no longer has are
 * deleted. A source that fails leaves its documents as they are and is reported in the run.
 */
@ApplicationScoped
public class ReindexService {

    private static final Logger LOG = Logger.getLogger(ReindexService.class);
    private static final int PAGE = 500;
    private static final Map<Kind, String[]> EXTRA = Map.of(
            Kind.SCRIPT, new String[]{"automation", "/api/v1/scripts"},
            Kind.WORKFLOW, new String[]{"automation", "/api/v1/workflows"},
            Kind.EXECUTION, new String[]{"automation", "/api/v1/executions"},
            Kind.ANOMALY, new String[]{"monitoring", "/api/v1/anomalies"},
            Kind.INCIDENT, new String[]{"monitoring", "/api/v1/incidents"});

    private final SourceClient client;
    private final SearchConfig config;
    private final IndexWriter writer;
    private final IndexSchema schema;
    private final Pool pool;
    private final Event<IndexChanged> changed;
    private final AtomicReference<Run> current = new AtomicReference<>();

    public ReindexService(SourceClient client, SearchConfig config, IndexWriter writer, IndexSchema schema, Pool pool,
                          Event<IndexChanged> changed) {
        this.client = client;
        this.config = config;
        this.writer = writer;
        this.schema = schema;
        this.pool = pool;
        this.changed = changed;
    }

    /**
     * A reindex run.
     *
     * @param documents documents written per kind
     * @param errors    source -> what went wrong (its documents were left as they were)
     */
    public record Run(UUID runId, String status, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                      Map<String, Integer> documents, Map<String, String> errors) {
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.reindexOnEmpty()) {
            return;
        }
        schema.ready().chain(() -> pool.query("SELECT EXISTS (SELECT 1 FROM search_document) AS any").execute())
                .subscribe().with(rows -> {
                    if (!rows.iterator().next().getBoolean("any")) {
                        LOG.info("index is empty: rebuilding it from the services' APIs");
                        start().subscribe().with(r -> { }, e -> { });
                    }
                }, e -> LOG.warnf("could not tell whether the index is empty: %s", e.toString()));
    }

    /** The last run (or the running one), or null. */
    public Run last() {
        return current.get();
    }

    /** Starts a run in the background, or answers the one already running. */
    public synchronized Uni<Run> start() {
        Run running = current.get();
        if (running != null && running.status().equals("running")) {
            return Uni.createFrom().item(running);
        }
        Run run = new Run(UUID.randomUUID(), "running", OffsetDateTime.now(ZoneOffset.UTC), null,
                new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        current.set(run);
        execute(run).subscribe().with(done -> {
            current.set(done);
            LOG.infof("reindex %s: %s, documents %s%s", done.runId(), done.status(), done.documents(),
                    done.errors().isEmpty() ? "" : ", errors " + done.errors());
            changed.fire(new IndexChanged(EnumSet.allOf(Kind.class)));
        }, e -> current.set(new Run(run.runId(), "failed", run.startedAt(), OffsetDateTime.now(ZoneOffset.UTC),
                run.documents(), Map.of("index", "could not be written"))));
        return Uni.createFrom().item(run);
    }

    /** Runs a reindex and completes when it is done (tests). */
    public Uni<Run> runNow() {
        Run run = new Run(UUID.randomUUID(), "running", OffsetDateTime.now(ZoneOffset.UTC), null,
                new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
        current.set(run);
        return execute(run).invoke(current::set)
                .invoke(() -> changed.fire(new IndexChanged(EnumSet.allOf(Kind.class))));
    }

    private Uni<Run> execute(Run run) {
        return schema.ready()
                .chain(() -> servers(run))
                .chain(() -> templates(run))
                .chain(() -> labs(run))
                .chain(() -> extras(run))
                .map(v -> new Run(run.runId(), run.errors().isEmpty() ? "succeeded" : "partial", run.startedAt(),
                        OffsetDateTime.now(ZoneOffset.UTC), Map.copyOf(run.documents()), Map.copyOf(run.errors())));
    }

    // ---------------------------------------------------------------- sources

    private Uni<Void> servers(Run run) {
        OffsetDateTime at = now();
        return pages(config.sources().gateway(), "/api/v1/servers").chain(items -> {
            List<IndexOp> ops = new ArrayList<>();
            List<String> keep = new ArrayList<>();
            for (JsonNode s : items) {
                IndexDoc doc = server(s, at);
                if (doc != null) {
                    ops.add(new IndexOp.Upsert(doc));
                    keep.add(doc.id());
                }
            }
            ops.add(new IndexOp.Retain(null, Set.of(Kind.SERVER), keep, at));
            return write(run, Kind.SERVER, ops, keep.size());
        }).onFailure().recoverWithUni(e -> failed(run, "gateway", e));
    }

    static IndexDoc server(JsonNode s, OffsetDateTime at) {
        String id = text(s, "id");
        if (id == null) {
            return null;
        }
        List<String> labels = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = s.path("labels").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            labels.add(e.getKey() + "=" + e.getValue().asText());
        }
        ObjectNode data = CloudEventCodec.mapper().createObjectNode();
        for (String f : List.of("url", "gns3Version", "enabled", "latencyMs", "lastSeen", "capacityWeight")) {
            if (s.hasNonNull(f)) {
                data.set(f, s.get(f));
            }
        }
        String status = text(s, "status");
        return new IndexDoc(Kind.SERVER, id, UUID.fromString(id), null, text(s, "name"),
                String.join(" ", text(s, "url") == null ? "" : text(s, "url"),
                        text(s, "gns3Version") == null ? "" : text(s, "gns3Version")),
                status == null ? null : status.toLowerCase(java.util.Locale.ROOT), null, null, null, labels, null, data,
                "/api/v1/servers/" + id, at, at);
    }

    private Uni<Void> templates(Run run) {
        OffsetDateTime at = now();
        return client.get(config.sources().topology(), "/api/v1/templates", config.sources().timeout())
                .chain(body -> {
                    List<IndexOp> ops = new ArrayList<>();
                    List<String> keep = new ArrayList<>();
                    for (JsonNode t : items(body)) {
                        String name = text(t, "name");
                        if (name == null) {
                            continue;
                        }
                        String type = text(t, "template_type");
                        String id = UUID.nameUUIDFromBytes((name + "\n" + type).getBytes(StandardCharsets.UTF_8)).toString();
                        ObjectNode data = CloudEventCodec.mapper().createObjectNode();
                        data.set("servers", t.path("servers"));
                        data.put("builtin", t.path("builtin").asBoolean(false));
                        IndexDoc doc = new IndexDoc(Kind.TEMPLATE, id, null, null, name, text(t, "category"), null,
                                type, name, null, null, null, data,
                                "/api/v1/templates?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8), at, at);
                        ops.add(new IndexOp.Upsert(doc));
                        keep.add(doc.id());
                        for (JsonNode s : t.path("servers")) {
                            UUID templateId = uuid(text(s, "template_id"));
                            if (templateId != null) {
                                ops.add(new IndexOp.TemplateAlias(templateId, name, at));
                            }
                        }
                    }
                    // a catalogue with servers left out (topology-service's leftOut) is partial: nothing is deleted
                    boolean complete = body.path("leftOut").isMissingNode() || body.path("leftOut").isEmpty();
                    if (complete) {
                        ops.add(new IndexOp.Retain(null, Set.of(Kind.TEMPLATE), keep, at));
                    } else {
                        run.errors().put("topology (templates)", "catalogue incomplete: "
                                + body.path("leftOut").size() + " server(s) left out");
                    }
                    return write(run, Kind.TEMPLATE, ops, keep.size());
                }).onFailure().recoverWithUni(e -> failed(run, "topology (templates)", e));
    }

    private Uni<Void> labs(Run run) {
        OffsetDateTime at = now();
        return pages(config.sources().project(), "/api/v1/projects").chain(items -> {
            List<IndexOp> ops = new ArrayList<>();
            List<String> keep = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            for (JsonNode p : items) {
                if (text(p, "projectId") == null) {
                    continue;
                }
                IndexDoc doc = DocumentMapper.lab(p, at);
                ops.add(new IndexOp.Upsert(new IndexDoc(doc.kind(), doc.entityId(), doc.serverId(), doc.projectId(),
                        doc.name(), doc.text(), doc.status(), null, null, null, doc.labels(), null, doc.data(),
                        doc.link(), doc.occurredAt(), at)));
                keep.add(doc.id());
                ids.add(doc.projectId());
            }
            ops.add(new IndexOp.Retain(null, Set.of(Kind.LAB), keep, at));
            return write(run, Kind.LAB, ops, keep.size())
                    .chain(() -> Multi.createFrom().iterable(ids)
                            .onItem().transformToUni(id -> lab(run, id)).merge(config.sources().reindexConcurrency())
                            .collect().last())
                    .replaceWithVoid();
        }).onFailure().recoverWithUni(e -> failed(run, "project", e));
    }

    /** One lab's nodes, links and snapshots. */
    private Uni<Void> lab(Run run, UUID projectId) {
        OffsetDateTime at = now();
        String base = "/api/v1/projects/" + projectId;
        Uni<Void> topology = Uni.combine().all()
                .unis(client.get(config.sources().topology(), base + "/nodes", config.sources().timeout()),
                        client.get(config.sources().topology(), base + "/links", config.sources().timeout()))
                .asTuple().chain(t -> {
                    List<IndexOp> ops = new ArrayList<>();
                    List<String> keep = new ArrayList<>();
                    int nodes = 0;
                    for (JsonNode n : items(t.getItem1())) {
                        IndexDoc doc = DocumentMapper.topologyNode(n, null, at);
                        if (doc != null) {
                            ops.add(new IndexOp.Upsert(doc));
                            keep.add(doc.id());
                            nodes++;
                        }
                    }
                    for (JsonNode l : items(t.getItem2())) {
                        IndexDoc doc = DocumentMapper.topologyLink(l, null, at);
                        if (doc != null) {
                            ops.add(new IndexOp.Upsert(doc));
                            keep.add(doc.id());
                        }
                    }
                    ops.add(new IndexOp.Retain(projectId, Set.of(Kind.NODE, Kind.LINK), keep, at));
                    count(run, Kind.NODE, nodes);
                    return write(run, Kind.LINK, ops, keep.size() - nodes);
                }).onFailure().recoverWithUni(e -> failed(run, "topology", e));
        Uni<Void> snapshots = client.get(config.sources().project(), base + "/snapshots", config.sources().timeout())
                .chain(body -> {
                    List<IndexOp> ops = new ArrayList<>();
                    List<String> keep = new ArrayList<>();
                    for (JsonNode s : items(body)) {
                        String id = text(s, "snapshotId");
                        if (id == null) {
                            continue;
                        }
                        IndexDoc doc = new IndexDoc(Kind.SNAPSHOT, id, null, projectId, text(s, "name"),
                                text(s, "createdBy"), "created", null, null, null, null, null, null,
                                base + "/snapshots", at, at);
                        ops.add(new IndexOp.Upsert(doc));
                        keep.add(doc.id());
                    }
                    ops.add(new IndexOp.Retain(projectId, Set.of(Kind.SNAPSHOT), keep, at));
                    return write(run, Kind.SNAPSHOT, ops, keep.size());
                }).onFailure().recoverWithUni(e -> failed(run, "project (snapshots)", e));
        return Uni.combine().all().unis(topology, snapshots).discardItems();
    }

    private Uni<Void> extras(Run run) {
        return Multi.createFrom().iterable(EXTRA.entrySet())
                .onItem().transformToUni(e -> extra(run, e.getKey(), e.getValue()[0], e.getValue()[1])).merge(2)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> extra(Run run, Kind kind, String source, String path) {
        OffsetDateTime at = now();
        String base = source.equals("automation") ? config.sources().automation() : config.sources().monitoring();
        return pages(base, path).chain(items -> {
            List<IndexOp> ops = new ArrayList<>();
            List<String> keep = new ArrayList<>();
            for (JsonNode item : items) {
                String id = firstText(item, kind.wire() + "Id", "id");
                if (id != null) {
                    IndexDoc doc = DocumentMapper.entityDoc(kind, id, item, at);
                    ops.add(new IndexOp.Upsert(new IndexDoc(doc.kind(), doc.entityId(), doc.serverId(),
                            doc.projectId(), doc.name(), doc.text(), doc.status(), null, null, null, doc.labels(),
                            null, doc.data(), doc.link(), doc.occurredAt(), at)));
                    keep.add(doc.id());
                }
            }
            ops.add(new IndexOp.Retain(null, Set.of(kind), keep, at));
            return write(run, kind, ops, keep.size());
        }).onFailure().recoverWithUni(e -> {
            if (e instanceof SourceClient.SourceException s && s.status() == 404) {
                return Uni.createFrom().voidItem(); // that service does not list these (yet)
            }
            return failed(run, source + " (" + kind.wire() + "s)", e);
        });
    }

    // ---------------------------------------------------------------- helpers

    /** Every item of a paged list ({@code items} + {@code nextCursor}) or of a plain array. */
    private Uni<List<JsonNode>> pages(String base, String path) {
        List<JsonNode> all = new ArrayList<>();
        return page(base, path, null, all).replaceWith(all);
    }

    private Uni<Void> page(String base, String path, String cursor, List<JsonNode> all) {
        String query = "?limit=" + PAGE + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
        return client.get(base, path + query, config.sources().timeout()).chain(body -> {
            items(body).forEach(all::add);
            String next = text(body, "nextCursor");
            return next == null ? Uni.createFrom().voidItem() : page(base, path, next, all);
        });
    }

    private static Iterable<JsonNode> items(JsonNode body) {
        if (body == null) {
            return List.of();
        }
        return body.isArray() ? body : body.path("items");
    }

    private Uni<Void> write(Run run, Kind kind, List<IndexOp> ops, int documents) {
        return writer.apply(ops).invoke(() -> count(run, kind, documents));
    }

    private static void count(Run run, Kind kind, int n) {
        run.documents().merge(kind.wire(), n, Integer::sum);
    }

    private static Uni<Void> failed(Run run, String source, Throwable e) {
        String why = e instanceof SourceClient.SourceException ? e.getMessage() : "could not be indexed";
        LOG.warnf("reindex: %s %s", source, e instanceof SourceClient.SourceException ? why : e.toString());
        run.errors().merge(source, why, (a, b) -> a);
        return Uni.createFrom().voidItem();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = text(node, f);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static UUID uuid(String value) {
        try {
            return value == null ? null : UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static <T> Function<T, T> identity() {
        return t -> t;
    }
}
