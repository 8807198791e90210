package dev.labfleet.search.index;

import dev.labfleet.common.event.CloudEventCodec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies index ops in one transaction, in order. Every write is conditional on time: a document keeps the state of
 * the newest event applied to it, so an event applied twice, or after a newer one, changes nothing. Consecutive ops
 * of one statement go to PostgreSQL as one pipelined batch.
 */
@ApplicationScoped
public class IndexWriter {

    static final String UPSERT = """
            INSERT INTO search_document AS d (id, kind, entity_id, server_id, project_id, name, name_terms, tag_terms,
                body_terms, status, node_type, template, template_id, labels, data, link, occurred_at, version_time, deleted)
            SELECT $1::text, $2::text, $3::text, $4::uuid, $5::uuid,
                coalesce($6::text, (SELECT string_agg(n.name, ' - ' ORDER BY n.name) FROM search_document n
                                    WHERE n.id = ANY($15::text[]))),
                coalesce($7::text, (SELECT string_agg(n.name_terms, ' ') FROM search_document n
                                    WHERE n.id = ANY($15::text[]))),
                CASE WHEN $12::text IS NULL AND $13::uuid IS NOT NULL
                     THEN concat_ws(' ', $8::text, (SELECT t.terms FROM search_template t WHERE t.template_id = $13::uuid))
                     ELSE $8::text END,
                $9::text, $10::text, $11::text,
                coalesce($12::text, (SELECT t.name FROM search_template t WHERE t.template_id = $13::uuid)),
                $13::uuid, $14::text[], coalesce($16::jsonb, '{}'::jsonb), $17::text,
                coalesce($18::timestamptz, $19::timestamptz), $19::timestamptz, false
            WHERE NOT EXISTS (SELECT 1 FROM search_document l WHERE $5::uuid IS NOT NULL AND $2::text <> 'lab'
                              AND $2::text <> 'event' AND l.id = 'lab:' || $5::text AND l.deleted
                              AND l.version_time >= $19::timestamptz)
            ON CONFLICT (id) DO UPDATE SET
                server_id = coalesce(EXCLUDED.server_id, d.server_id),
                project_id = coalesce(EXCLUDED.project_id, d.project_id),
                name = coalesce(EXCLUDED.name, d.name),
                name_terms = coalesce(EXCLUDED.name_terms, d.name_terms),
                tag_terms = coalesce(EXCLUDED.tag_terms, d.tag_terms),
                body_terms = coalesce(EXCLUDED.body_terms, d.body_terms),
                status = coalesce(EXCLUDED.status, d.status),
                node_type = coalesce(EXCLUDED.node_type, d.node_type),
                template = coalesce(EXCLUDED.template, d.template),
                template_id = coalesce(EXCLUDED.template_id, d.template_id),
                labels = coalesce(EXCLUDED.labels, d.labels),
                data = CASE WHEN d.deleted THEN EXCLUDED.data ELSE d.data || EXCLUDED.data END,
                link = coalesce(EXCLUDED.link, d.link),
                occurred_at = EXCLUDED.occurred_at,
                version_time = EXCLUDED.version_time,
                deleted = false,
                indexed_at = clock_timestamp()
            WHERE d.version_time <= EXCLUDED.version_time""";

    /**
     * {@link #UPSERT} for many documents in one statement: the rows come as one JSON array (jsonb_to_recordset), so
     * a consumed batch is one statement instead of one per document. The rows of one statement have distinct ids and
     * none reads a row written by the same statement (see {@link #chunks}), so it writes what the one-row statements
     * applied in order would.
     */
    static final String UPSERT_MANY = """
            INSERT INTO search_document AS d (id, kind, entity_id, server_id, project_id, name, name_terms, tag_terms,
                body_terms, status, node_type, template, template_id, labels, data, link, occurred_at, version_time, deleted)
            SELECT r.id, r.kind, r.entity_id, r.server_id, r.project_id,
                coalesce(r.name, (SELECT string_agg(n.name, ' - ' ORDER BY n.name) FROM search_document n
                                  WHERE n.id = ANY(r.node_refs))),
                coalesce(r.name_terms, (SELECT string_agg(n.name_terms, ' ') FROM search_document n
                                        WHERE n.id = ANY(r.node_refs))),
                CASE WHEN r.template IS NULL AND r.template_id IS NOT NULL
                     THEN concat_ws(' ', r.tag_terms, (SELECT t.terms FROM search_template t WHERE t.template_id = r.template_id))
                     ELSE r.tag_terms END,
                r.body_terms, r.status, r.node_type,
                coalesce(r.template, (SELECT t.name FROM search_template t WHERE t.template_id = r.template_id)),
                r.template_id, r.labels, coalesce(r.data, '{}'::jsonb), r.link,
                coalesce(r.occurred_at, r.version_time), r.version_time, false
            FROM jsonb_to_recordset($1::text::jsonb) AS r(id text, kind text, entity_id text, server_id uuid,
                project_id uuid, name text, name_terms text, tag_terms text, body_terms text, status text,
                node_type text, template text, template_id uuid, labels text[], node_refs text[], data jsonb,
                link text, occurred_at timestamptz, version_time timestamptz)
            WHERE NOT EXISTS (SELECT 1 FROM search_document l WHERE r.project_id IS NOT NULL AND r.kind <> 'lab'
                              AND r.kind <> 'event' AND l.id = 'lab:' || r.project_id::text AND l.deleted
                              AND l.version_time >= r.version_time)
            ON CONFLICT (id) DO UPDATE SET
                server_id = coalesce(EXCLUDED.server_id, d.server_id),
                project_id = coalesce(EXCLUDED.project_id, d.project_id),
                name = coalesce(EXCLUDED.name, d.name),
                name_terms = coalesce(EXCLUDED.name_terms, d.name_terms),
                tag_terms = coalesce(EXCLUDED.tag_terms, d.tag_terms),
                body_terms = coalesce(EXCLUDED.body_terms, d.body_terms),
                status = coalesce(EXCLUDED.status, d.status),
                node_type = coalesce(EXCLUDED.node_type, d.node_type),
                template = coalesce(EXCLUDED.template, d.template),
                template_id = coalesce(EXCLUDED.template_id, d.template_id),
                labels = coalesce(EXCLUDED.labels, d.labels),
                data = CASE WHEN d.deleted THEN EXCLUDED.data ELSE d.data || EXCLUDED.data END,
                link = coalesce(EXCLUDED.link, d.link),
                occurred_at = EXCLUDED.occurred_at,
                version_time = EXCLUDED.version_time,
                deleted = false,
                indexed_at = clock_timestamp()
            WHERE d.version_time <= EXCLUDED.version_time""";

    static final String DELETE = """
            INSERT INTO search_document AS d (id, kind, entity_id, project_id, occurred_at, version_time, deleted)
            VALUES ($1, $2, $3, $4, $5, $5, true)
            ON CONFLICT (id) DO UPDATE SET deleted = true, version_time = EXCLUDED.version_time, indexed_at = clock_timestamp()
            WHERE d.version_time <= EXCLUDED.version_time""";

    static final String DELETE_LAB_CHILDREN = """
            UPDATE search_document SET deleted = true, version_time = $2, indexed_at = clock_timestamp()
            WHERE project_id = $1 AND kind IN ('node', 'link', 'snapshot') AND NOT deleted AND version_time <= $2""";

    static final String RETAIN_IN_LAB = """
            UPDATE search_document SET deleted = true, version_time = $3, indexed_at = clock_timestamp()
            WHERE project_id = $1 AND kind = ANY($2) AND NOT (id = ANY($4)) AND NOT deleted AND version_time < $3""";

    static final String RETAIN_FLEET = """
            UPDATE search_document SET deleted = true, version_time = $2, indexed_at = clock_timestamp()
            WHERE kind = ANY($1) AND NOT (id = ANY($3)) AND NOT deleted AND version_time < $2""";

    static final String TEMPLATE_ALIAS = """
            INSERT INTO search_template (template_id, name, terms) VALUES ($1, $2, $3)
            ON CONFLICT (template_id) DO UPDATE SET name = EXCLUDED.name, terms = EXCLUDED.terms""";

    private final Pool pool;
    private final IndexSchema schema;

    public IndexWriter(Pool pool, IndexSchema schema) {
        this.pool = pool;
        this.schema = schema;
    }

    /**
     * Applies the ops in one transaction; two writers touching the same documents in different orders may deadlock,
     * in which case PostgreSQL aborts one and it is retried as a whole (the ops are idempotent).
     */
    public Uni<Void> apply(List<IndexOp> ops) {
        if (ops.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return schema.ready().chain(() -> pool.withTransaction(conn -> run(conn, ops)))
                .onFailure().retry().withBackOff(Duration.ofMillis(20), Duration.ofMillis(500)).atMost(5);
    }

    private Uni<Void> run(SqlConnection conn, List<IndexOp> ops) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        int i = 0;
        while (i < ops.size()) {
            String sql = sql(ops.get(i));
            int j = i;
            while (j < ops.size() && sql.equals(sql(ops.get(j)))) {
                j++;
            }
            List<IndexOp> run = ops.subList(i, j);
            if (sql.equals(UPSERT)) {
                // consecutive upserts: one statement per chunk of rows that may be written together
                for (List<IndexDoc> chunk : chunks(run.stream().map(op -> ((IndexOp.Upsert) op).doc()).toList())) {
                    String rows = rows(chunk);
                    chain = chain.chain(() -> conn.preparedQuery(UPSERT_MANY).execute(Tuple.of(rows)).replaceWithVoid());
                }
            } else {
                List<Tuple> batch = new ArrayList<>();
                run.forEach(op -> batch.addAll(tuples(op)));
                chain = chain.chain(() -> conn.preparedQuery(sql).executeBatch(batch).replaceWithVoid());
            }
            i = j;
        }
        return chain;
    }

    /**
     * Splits consecutive upserts, in order, into chunks that one statement can write: a document starts a new chunk
     * when the chunk already writes its id (one INSERT ... ON CONFLICT may touch a row once), when it is named after
     * nodes the chunk writes (a link named from its nodes reads their rows), or when the chunk writes its lab (a
     * child is checked against its lab's tombstone). A statement does not see its own writes; across chunks, order
     * is kept, so the result is the one of applying the documents one by one.
     */
    static List<List<IndexDoc>> chunks(List<IndexDoc> docs) {
        List<List<IndexDoc>> out = new ArrayList<>();
        List<IndexDoc> current = new ArrayList<>();
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (IndexDoc doc : docs) {
            boolean conflict = ids.contains(doc.id())
                    || (doc.projectId() != null && ids.contains(IndexDoc.id(Kind.LAB, doc.projectId().toString())));
            if (!conflict && doc.name() == null && doc.nodeRefs() != null) {
                for (String node : doc.nodeRefs()) {
                    if (ids.contains(IndexDoc.id(Kind.NODE, node))) {
                        conflict = true;
                        break;
                    }
                }
            }
            if (conflict || current.size() >= MAX_ROWS) {
                out.add(current);
                current = new ArrayList<>();
                ids.clear();
            }
            current.add(doc);
            ids.add(doc.id());
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }

    /** The rows of {@link #UPSERT_MANY}: the same values {@link #upsert} binds, as one JSON array. */
    static String rows(List<IndexDoc> docs) {
        com.fasterxml.jackson.databind.node.ArrayNode rows = CloudEventCodec.mapper().createArrayNode();
        for (IndexDoc doc : docs) {
            Object[] v = values(doc);
            com.fasterxml.jackson.databind.node.ObjectNode r = rows.addObject();
            for (int k = 0; k < COLUMNS.length; k++) {
                Object value = v[k];
                if (value == null) {
                    r.putNull(COLUMNS[k]);
                } else if (value instanceof String[] array) {
                    com.fasterxml.jackson.databind.node.ArrayNode a = r.putArray(COLUMNS[k]);
                    for (String item : array) {
                        a.add(item);
                    }
                } else if (value instanceof JsonObject json) {
                    r.set(COLUMNS[k], CloudEventCodec.mapper().valueToTree(json.getMap()));
                } else if (value instanceof java.time.OffsetDateTime t) {
                    // microseconds, as PostgreSQL keeps them (the one-row statement binds them the same way)
                    r.put(COLUMNS[k], t.truncatedTo(java.time.temporal.ChronoUnit.MICROS)
                            .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
                } else {
                    r.put(COLUMNS[k], value.toString());
                }
            }
        }
        return rows.toString();
    }

    private static String sql(IndexOp op) {
        if (op instanceof IndexOp.Upsert) {
            return UPSERT;
        } else if (op instanceof IndexOp.Delete) {
            return DELETE;
        } else if (op instanceof IndexOp.DeleteLab) {
            return DELETE_LAB_CHILDREN;
        } else if (op instanceof IndexOp.Retain r) {
            return r.projectId() == null ? RETAIN_FLEET : RETAIN_IN_LAB;
        }
        return TEMPLATE_ALIAS;
    }

    private static List<Tuple> tuples(IndexOp op) {
        if (op instanceof IndexOp.Upsert u) {
            return List.of(upsert(u.doc()));
        } else if (op instanceof IndexOp.Delete d) {
            return List.of(Tuple.of(IndexDoc.id(d.kind(), d.entityId()), d.kind().wire(), d.entityId(), d.projectId(),
                    d.time()));
        } else if (op instanceof IndexOp.DeleteLab d) {
            return List.of(Tuple.of(d.projectId(), d.time()));
        } else if (op instanceof IndexOp.Retain r) {
            String[] kinds = r.kinds().stream().map(Kind::wire).toArray(String[]::new);
            String[] keep = r.keep().toArray(String[]::new);
            return List.of(r.projectId() == null ? Tuple.of(kinds, r.time(), keep)
                    : Tuple.of(r.projectId(), kinds, r.time(), keep));
        }
        IndexOp.TemplateAlias t = (IndexOp.TemplateAlias) op;
        return List.of(Tuple.of(t.templateId(), t.name(), Terms.joined(t.name())));
    }

    /** Rows per multi-row statement (a statement of a few hundred rows is already cheap per row). */
    static final int MAX_ROWS = 1000;

    /** The record columns of {@link #UPSERT_MANY}, in the order of {@link #values}. */
    static final String[] COLUMNS = {"id", "kind", "entity_id", "server_id", "project_id", "name", "name_terms",
            "tag_terms", "body_terms", "status", "node_type", "template", "template_id", "labels", "node_refs", "data",
            "link", "occurred_at", "version_time"};

    private static Tuple upsert(IndexDoc doc) {
        return Tuple.wrap(values(doc));
    }

    private static Object[] values(IndexDoc doc) {
        String nameTerms = doc.name() == null ? null : Terms.joined(doc.name());
        String tagTerms = null;
        if (doc.labels() != null || doc.status() != null || doc.nodeType() != null || doc.template() != null) {
            List<String> tags = new ArrayList<>();
            tags.add(doc.kind().wire());
            if (doc.labels() != null) {
                tags.addAll(doc.labels());
            }
            tags.add(doc.status());
            tags.add(doc.nodeType());
            tags.add(doc.template());
            tagTerms = Terms.joined(tags.stream().filter(t -> t != null).toArray(String[]::new));
        }
        String bodyTerms = doc.text() == null ? null : Terms.joined(doc.text());
        Object[] values = {
                doc.id(), doc.kind().wire(), doc.entityId(), doc.serverId(), doc.projectId(), doc.name(), nameTerms,
                tagTerms, bodyTerms, doc.status(), doc.nodeType(), doc.template(), doc.templateId(),
                doc.labels() == null ? null : doc.labels().toArray(String[]::new),
                doc.nodeRefs() == null ? new String[0] : doc.nodeRefs().stream().map(n -> IndexDoc.id(Kind.NODE, n))
                        .toArray(String[]::new),
                doc.data() == null ? null : new JsonObject(CloudEventCodec.mapper().convertValue(doc.data(),
                        java.util.Map.class)),
                doc.link(), doc.occurredAt(), doc.versionTime()};
        return values;
    }
}
