package dev.labfleet.search.service;

import dev.labfleet.search.index.IndexSchema;
import dev.labfleet.search.index.Kind;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Type-ahead from the names in the index: names starting with what was typed first, then names whose trigrams are
 * close to it ({@code pg_trgm}: {@code ruoter} suggests {@code router}), ten at most, each name once.
 */
@ApplicationScoped
public class SuggestService {

    public static final int MAX = 10;

    private final Pool pool;
    private final IndexSchema schema;

    public SuggestService(Pool pool, IndexSchema schema) {
        this.pool = pool;
        this.schema = schema;
    }

    /** @param score 1 for a prefix match, else the trigram similarity */
    public record Suggestion(String text, String kind, double score) {
    }

    public Uni<List<Suggestion>> suggest(String q, Set<Kind> kinds) {
        String lower = q.toLowerCase(Locale.ROOT);
        List<Object> params = new ArrayList<>(List.of(lower, like(lower) + "%"));
        String kindFilter = "";
        if (!kinds.isEmpty()) {
            params.add(kinds.stream().map(Kind::wire).toArray(String[]::new));
            kindFilter = " AND d.kind = ANY($3)";
        }
        // the same ownership rule as the search itself: a non-admin is offered only names it could find
        SearchService.Where where = SearchService.visibleTo(new SearchService.Where("NOT d.deleted AND d.kind <> 'event'"
                + " AND (lower(d.name) LIKE $2 OR lower(d.name) % $1)" + kindFilter, params),
                dev.labfleet.support.security.Caller.current());
        String sql = "SELECT d.name, d.kind, lower(d.name) LIKE $2 AS prefix, similarity(lower(d.name), $1) AS sim"
                + " FROM search_document d WHERE " + where.sql() + " ORDER BY prefix DESC, sim DESC, d.name LIMIT 50";
        List<Object> bound = where.params();
        return schema.ready().chain(() -> pool.withTransaction(conn -> conn
                .query("SET LOCAL pg_trgm.similarity_threshold = 0.2").execute()
                .chain(() -> conn.preparedQuery(sql).execute(Tuple.from(bound)))))
                .map(rows -> {
                    List<Suggestion> out = new ArrayList<>();
                    Set<String> seen = new HashSet<>();
                    for (Row row : rows) {
                        String name = row.getString("name");
                        if (name != null && seen.add(name.toLowerCase(Locale.ROOT)) && out.size() < MAX) {
                            out.add(new Suggestion(name, row.getString("kind"),
                                    row.getBoolean("prefix") ? 1.0 : Math.round(row.getFloat("sim") * 1000) / 1000.0));
                        }
                    }
                    return out;
                });
    }

    /** LIKE's own wildcards typed by a user are literal characters. */
    static String like(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
