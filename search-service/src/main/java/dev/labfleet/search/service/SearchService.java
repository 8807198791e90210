package dev.labfleet.search.service;

import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.index.IndexSchema;
import dev.labfleet.search.index.Kind;
import dev.labfleet.search.query.SearchRequest;
import dev.labfleet.search.query.SearchRequest.Sort;
import dev.labfleet.search.rest.SearchHit;
import dev.labfleet.search.rest.SearchPage;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Runs searches on the index: one statement for the page (ranked, highlighted, after the cursor) and one for the
 * facets, in parallel on two connections, each under a statement timeout. Pages are keyset pages over the sort key
 * and the document id, so a walk sees every document that existed when it started exactly once, however many are
 * inserted meanwhile.
 */
@ApplicationScoped
public class SearchService {

    private static final Logger LOG = Logger.getLogger(SearchService.class);
    private static final String MARK = "StartSel=<mark>, StopSel=</mark>";
    private static final Set<Kind> DEFAULT_KINDS = Arrays.stream(Kind.values()).filter(k -> k != Kind.EVENT)
            .collect(Collectors.toUnmodifiableSet());

    private final Pool pool;
    private final IndexSchema schema;
    private final SearchConfig config;
    private final Timer searches;

    public SearchService(Pool pool, IndexSchema schema, SearchConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.schema = schema;
        this.config = config;
        this.searches = Timer.builder("labfleet_search_query").description("Search statements (page and facets)")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
    }

    /** A search whose total and facets count at most {@code labfleet.search.query.count-limit} matches. */
    public Uni<SearchPage> search(SearchRequest request) {
        return search(request, config.query().countLimit());
    }

    /**
     * A search whose total and facets count at most {@code countLimit} matches ({@link Integer#MAX_VALUE}: all of
     * them, as a saved dashboard's aggregate widget does: an aggregate is a figure, not a hint).
     */
    public Uni<SearchPage> search(SearchRequest request, int countLimit) {
        Where where = visibleTo(where(request), dev.labfleet.support.security.Caller.current());
        Uni<List<SearchHit>> page = timed(conn -> page(conn, request, where));
        Uni<Map<String, Map<String, Long>>> facets = request.facets().isEmpty()
                ? Uni.createFrom().item(Map.of()) : timed(conn -> facets(conn, request, where, countLimit));
        return schema.ready().chain(() -> Uni.combine().all().unis(page, facets).asTuple()).map(t -> {
            List<SearchHit> rows = t.getItem1();
            Map<String, Map<String, Long>> counts = new LinkedHashMap<>(t.getItem2());
            Map<String, Long> total = counts.remove("_total");
            String next = null;
            List<SearchHit> items = rows;
            if (rows.size() > request.limit()) {
                items = rows.subList(0, request.limit());
                next = Cursor.encode(keyOf(request, items.get(items.size() - 1)));
            }
            Long counted = total == null ? null : total.get("");
            Boolean exact = null;
            if (counted != null) {
                // the facets statement reads at most count-limit + 1 matches: one more than the limit says "more"
                exact = counted <= countLimit;
                counted = Math.min(counted, countLimit);
            }
            return new SearchPage(items, next, request.limit(), counted, counts.isEmpty() ? null : counts, exact,
                    exact == null ? null : !exact);
        });
    }

    private <T> Uni<T> timed(java.util.function.Function<SqlConnection, Uni<T>> work) {
        long millis = config.query().timeout().toMillis();
        long start = System.nanoTime();
        return pool.withTransaction(conn -> conn.query("SET LOCAL statement_timeout = " + millis).execute()
                        .chain(() -> work.apply(conn)))
                .invoke(() -> searches.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS))
                .onFailure(PgException.class).transform(e -> {
                    PgException pg = (PgException) e;
                    if ("57014".equals(pg.getSqlState())) {
                        return ProblemException.unavailable("the search took longer than " + millis
                                + " ms; narrow it with more words or filters", 1);
                    }
                    LOG.errorf("search statement failed: %s", pg.getSqlState());
                    return new IllegalStateException("search failed");
                });
    }

    // ---------------------------------------------------------------- the statements

    /** The WHERE clause and its parameters ($1 is the tsquery when the query has words). */
    record Where(String sql, List<Object> params) {
    }

    /**
     * Ownership (docs/security.md): a caller who is not an admin finds only what belongs to no lab (servers,
     * templates...) and what belongs to a lab it owns or that is labelled with one of its groups, as the lab's own
     * index document says (project-service's owner and tags, from lab.projects). Hits, totals and facets alike.
     * With security on, a search that finds no caller (none should: every /api and /graphql request is
     * authenticated) finds only what belongs to no lab, never everything.
     */
    static Where visibleTo(Where where, io.quarkus.security.identity.SecurityIdentity caller) {
        if (caller == null && dev.labfleet.support.security.SecuritySwitch.enabled()) {
            return new Where(where.sql() + " AND d.project_id IS NULL", where.params());
        }
        if (caller == null || dev.labfleet.support.security.LabAccess.seesAll(caller)) {
            return where;
        }
        List<Object> params = new ArrayList<>(where.params());
        params.add(dev.labfleet.support.security.Caller.name(caller));
        int owner = params.size();
        params.add(dev.labfleet.support.security.LabAccess.groupTags(caller).toArray(String[]::new));
        int groups = params.size();
        return new Where(where.sql() + " AND (d.project_id IS NULL OR d.project_id IN (SELECT l.project_id"
                + " FROM search_document l WHERE l.kind = '" + Kind.LAB.wire() + "' AND NOT l.deleted"
                + " AND (l.data->>'owner' = $" + owner + " OR l.labels && $" + groups + "::text[])))", params);
    }

    static Where where(SearchRequest r) {
        List<Object> params = new ArrayList<>();
        StringBuilder sql = new StringBuilder("NOT d.deleted");
        if (r.query().hasText()) {
            params.add(r.query().tsquery());
            sql.append(" AND d.tsv @@ $1::tsquery");
        }
        Set<Kind> kinds = r.kinds().isEmpty() ? DEFAULT_KINDS : r.kinds();
        if (kinds.size() < Kind.values().length) {
            params.add(kinds.stream().map(Kind::wire).sorted().toArray(String[]::new));
            sql.append(" AND d.kind = ANY($").append(params.size()).append(")");
        }
        if (r.serverId() != null) {
            params.add(r.serverId());
            sql.append(" AND d.server_id = $").append(params.size());
        }
        if (r.projectId() != null) {
            params.add(r.projectId());
            sql.append(" AND d.project_id = $").append(params.size());
        }
        if (!r.statuses().isEmpty()) {
            params.add(r.statuses().stream().map(s -> s.toLowerCase(Locale.ROOT)).toArray(String[]::new));
            sql.append(" AND lower(d.status) = ANY($").append(params.size()).append(")");
        }
        if (!r.labels().isEmpty()) {
            params.add(r.labels().toArray(String[]::new));
            sql.append(" AND d.labels @> $").append(params.size());
        }
        if (r.from() != null) {
            params.add(r.from());
            sql.append(" AND d.occurred_at >= $").append(params.size());
        }
        if (r.to() != null) {
            params.add(r.to());
            sql.append(" AND d.occurred_at < $").append(params.size());
        }
        filters(r, sql, params);
        return new Where(sql.toString(), params);
    }

    /** The query's own field:value filters (and -field:value exclusions). */
    private static void filters(SearchRequest r, StringBuilder sql, List<Object> params) {
        for (boolean negate : new boolean[]{false, true}) {
            Map<String, List<String>> map = negate ? r.query().excluded() : r.query().filters();
            for (Map.Entry<String, List<String>> f : map.entrySet()) {
                List<String> values = f.getValue();
                String column = switch (f.getKey()) {
                    case "kind" -> "d.kind";
                    case "status" -> "lower(d.status)";
                    case "type" -> "lower(d.node_type)";
                    case "template" -> "lower(d.template)";
                    case "server" -> "d.server_id";
                    case "project" -> "d.project_id";
                    default -> null; // label
                };
                if (column == null) {
                    for (String label : values) {
                        params.add(new String[]{label});
                        sql.append(negate ? " AND NOT coalesce(d.labels @> $" : " AND d.labels @> $")
                                .append(params.size()).append(negate ? ", false)" : "");
                    }
                    continue;
                }
                Object array;
                if (column.endsWith("_id")) {
                    array = values.stream().map(v -> uuid("q", f.getKey(), v)).toArray(UUID[]::new);
                } else {
                    if (f.getKey().equals("kind")) {
                        values.forEach(v -> Kind.parse(v.toLowerCase(Locale.ROOT)).orElseThrow(() ->
                                ProblemException.invalid("q", "unknown kind '" + v + "' (kinds: " + Kind.names() + ")")));
                    }
                    array = values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toArray(String[]::new);
                }
                params.add(array);
                sql.append(negate ? " AND NOT coalesce(" : " AND ").append(column).append(" = ANY($")
                        .append(params.size()).append(")").append(negate ? ", false)" : "");
            }
        }
    }

    private static UUID uuid(String param, String field, String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(param, field + ": '" + value + "' is not a UUID");
        }
    }

    private Uni<List<SearchHit>> page(SqlConnection conn, SearchRequest r, Where where) {
        List<Object> params = new ArrayList<>(where.params());
        Sort sort = effectiveSort(r);
        String rank = r.query().hasText() ? "ts_rank(d.tsv, $1::tsquery)" : "NULL::real";
        String order = switch (sort) {
            case RELEVANCE -> "s.rank DESC, s.id";
            case NEWEST -> "s.occurred_at DESC, s.id";
            case OLDEST -> "s.occurred_at, s.id";
            case NAME -> "s.sort_name, s.id";
        };
        String keyset = keyset(r, sort, params);
        params.add(r.limit() + 1);
        String limit = "$" + params.size();
        String headline = r.query().hasText()
                ? "ts_headline('simple', coalesce(s.name, ''), $1::tsquery, '" + MARK + ", HighlightAll=true') AS hl_name, "
                + "ts_headline('simple', coalesce(s.body_terms, ''), $1::tsquery, '" + MARK
                + ", MaxFragments=2, MaxWords=12, MinWords=3') AS hl_text"
                : "NULL AS hl_name, NULL AS hl_text";
        String sql = "SELECT s.*, " + headline + " FROM (SELECT d.id, d.kind, d.entity_id, d.name, d.status, d.server_id,"
                + " d.project_id, d.node_type, d.template, d.labels, d.occurred_at, d.link, d.data, d.body_terms,"
                + " coalesce(lower(d.name), '') AS sort_name, " + rank + " AS rank FROM search_document d WHERE "
                + where.sql() + ") s" + (keyset.isEmpty() ? "" : " WHERE " + keyset) + " ORDER BY " + order
                + " LIMIT " + limit;
        return conn.preparedQuery(sql).execute(Tuple.from(params)).map(SearchService::hits);
    }

    private static Sort effectiveSort(SearchRequest r) {
        return r.sort() == Sort.RELEVANCE && !r.query().hasText() ? Sort.NEWEST : r.sort();
    }

    private static String keyset(SearchRequest r, Sort sort, List<Object> params) {
        if (r.afterKey() == null) {
            return "";
        }
        String[] parts = splitKey(r.afterKey());
        if (!parts[0].equals(sort.wire())) {
            throw ProblemException.invalid("cursor", "was made for sort=" + parts[0] + ", not sort=" + sort.wire());
        }
        params.add(parts[2]);
        String id = "$" + params.size();
        try {
            switch (sort) {
                case RELEVANCE -> {
                    params.add(Float.parseFloat(parts[1]));
                    String p = "$" + params.size();
                    return "(s.rank < " + p + " OR (s.rank = " + p + " AND s.id > " + id + "))";
                }
                case NEWEST, OLDEST -> {
                    long micros = Long.parseLong(parts[1]);
                    params.add(OffsetDateTime.ofInstant(Instant.EPOCH.plus(micros, ChronoUnit.MICROS), ZoneOffset.UTC));
                    String p = "$" + params.size();
                    String cmp = sort == Sort.NEWEST ? "<" : ">";
                    return "(s.occurred_at " + cmp + " " + p + " OR (s.occurred_at = " + p + " AND s.id > " + id + "))";
                }
                default -> {
                    params.add(parts[1]);
                    String p = "$" + params.size();
                    return "(s.sort_name > " + p + " OR (s.sort_name = " + p + " AND s.id > " + id + "))";
                }
            }
        } catch (NumberFormatException e) {
            throw ProblemException.invalid("cursor", "not a cursor from a previous page");
        }
    }

    private static String[] splitKey(String key) {
        int first = key.indexOf('|');
        int last = key.lastIndexOf('|');
        if (first < 0 || last <= first) {
            throw ProblemException.invalid("cursor", "not a cursor from a previous page");
        }
        return new String[]{key.substring(0, first), key.substring(first + 1, last), key.substring(last + 1)};
    }

    private static String keyOf(SearchRequest r, SearchHit hit) {
        Sort sort = effectiveSort(r);
        String docId = hit.kind() + ":" + hit.id();
        String value = switch (sort) {
            case RELEVANCE -> Float.toString(hit.score());
            case NEWEST, OLDEST -> Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, hit.occurredAt().toInstant()));
            case NAME -> hit.name() == null ? "" : hit.name().toLowerCase(Locale.ROOT);
        };
        return sort.wire() + "|" + value + "|" + docId;
    }

    private static List<SearchHit> hits(RowSet<Row> rows) {
        List<SearchHit> hits = new ArrayList<>();
        for (Row row : rows) {
            Map<String, String> highlights = new LinkedHashMap<>();
            String hlName = row.getString("hl_name");
            if (hlName != null && hlName.contains("<mark>")) {
                highlights.put("name", hlName);
            }
            String hlText = row.getString("hl_text");
            if (hlText != null && hlText.contains("<mark>")) {
                highlights.put("text", hlText);
            }
            String[] labels = row.getArrayOfStrings("labels");
            hits.add(new SearchHit(row.getString("kind"), row.getString("entity_id"), row.getString("name"),
                    row.getString("status"), row.getUUID("server_id"), row.getUUID("project_id"),
                    row.getString("node_type"), row.getString("template"),
                    labels == null || labels.length == 0 ? null : List.of(labels),
                    row.getOffsetDateTime("occurred_at"), row.getString("link"), row.getFloat("rank"),
                    highlights.isEmpty() ? null : highlights, SearchHit.fields(row.getJsonObject("data"))));
        }
        return hits;
    }

    private Uni<Map<String, Map<String, Long>>> facets(SqlConnection conn, SearchRequest r, Where where, int countLimit) {
        List<String> parts = new ArrayList<>();
        parts.add("SELECT '_total' AS facet, '' AS value, count(*) AS n FROM m");
        for (String facet : r.facets().stream().sorted().toList()) {
            String column = switch (facet) {
                case "kind" -> "kind";
                case "server" -> "server_id::text";
                case "status" -> "status";
                case "type" -> "node_type";
                case "template" -> "template";
                default -> null;
            };
            if (column == null) {
                parts.add("(SELECT 'label', l, count(*) FROM c, unnest(c.labels) l GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT 20)");
            } else {
                parts.add("(SELECT '" + facet + "', " + column + ", count(*) FROM c WHERE " + column
                        + " IS NOT NULL GROUP BY 2 ORDER BY 3 DESC, 2 LIMIT 20)");
            }
        }
        // m: at most count-limit + 1 matches, in the order the index yields them (no sort: counting stays bounded
        // however many match); c: the first count-limit of them, which the facets count; the total counts m, so a
        // total above the limit says that more match than were counted
        List<Object> params = new ArrayList<>(where.params());
        String sql;
        if (countLimit == Integer.MAX_VALUE) {
            sql = "WITH m AS MATERIALIZED (SELECT d.kind, d.server_id, d.status, d.node_type, d.template, d.labels"
                    + " FROM search_document d WHERE " + where.sql() + "), c AS (SELECT * FROM m) "
                    + String.join(" UNION ALL ", parts);
        } else {
            params.add(countLimit + 1);
            String more = "$" + params.size();
            params.add(countLimit);
            String limit = "$" + params.size();
            sql = "WITH m AS MATERIALIZED (SELECT d.kind, d.server_id, d.status, d.node_type, d.template, d.labels"
                    + " FROM search_document d WHERE " + where.sql() + " LIMIT " + more + "), c AS MATERIALIZED"
                    + " (SELECT * FROM m LIMIT " + limit + ") " + String.join(" UNION ALL ", parts);
        }
        return conn.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> {
            Map<String, Map<String, Long>> out = new LinkedHashMap<>();
            for (String facet : r.facets().stream().sorted().toList()) {
                out.put(facet, new LinkedHashMap<>());
            }
            for (Row row : rows) {
                out.computeIfAbsent(row.getString("facet"), f -> new LinkedHashMap<>())
                        .put(row.getString("value"), row.getLong("n"));
            }
            return out;
        });
    }
}
