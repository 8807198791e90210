package dev.labfleet.search.service;

import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.index.IndexSchema;
import dev.labfleet.search.rest.SearchResource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Search history: each user's last queries (from {@code X-Labfleet-User}), and the fleet's most frequent queries of
 * the last 7 days (anonymous searches count there too). A failure to record never fails the search.
 */
@ApplicationScoped
public class HistoryService {

    private static final Logger LOG = Logger.getLogger(HistoryService.class);
    static final String ANONYMOUS = "";

    private final Pool pool;
    private final IndexSchema schema;
    private final SearchConfig config;

    public HistoryService(Pool pool, IndexSchema schema, SearchConfig config) {
        this.pool = pool;
        this.schema = schema;
        this.config = config;
    }

    public record Entry(String query, OffsetDateTime at) {
    }

    public record Popular(String query, long count) {
    }

    public Uni<Void> record(String user, String query) {
        String owner = user == null ? ANONYMOUS : user;
        int keep = config.history().perUser();
        // the history is a convenience: its commit does not wait for the WAL to reach the disk (a crash may lose
        // the last few queries, never the index), so a search does not pay a disk flush before it answers
        return schema.ready().chain(() -> pool.withTransaction(conn -> conn.query("SET LOCAL synchronous_commit = off")
                        .execute()
                        .chain(() -> conn.preparedQuery("INSERT INTO search_history (user_id, query) VALUES ($1, $2)")
                        .execute(Tuple.of(owner, query))
                        .chain(() -> owner.isEmpty() ? Uni.createFrom().nullItem() : conn.preparedQuery(
                                "DELETE FROM search_history WHERE user_id = $1 AND id <= (SELECT id FROM search_history"
                                        + " WHERE user_id = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)")
                                .execute(Tuple.of(owner, keep))))))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("search history not recorded: %s", e.toString());
                    return null;
                });
    }

    /**
     * The caller's recent queries and the most frequent ones of the last 7 days: fleet-wide for a caller who sees
     * every lab ({@code fleetWide}: an admin, or security off), else the caller's own (another user's queries may
     * name labs the caller may not see).
     */
    public Uni<SearchResource.HistoryView> history(String user, boolean fleetWide) {
        Uni<List<Entry>> recent = user == null ? Uni.createFrom().item(List.of()) : pool
                .preparedQuery("SELECT query, at FROM search_history WHERE user_id = $1 ORDER BY id DESC LIMIT $2")
                .execute(Tuple.of(user, config.history().perUser()))
                .map(rows -> {
                    List<Entry> out = new ArrayList<>();
                    for (Row row : rows) {
                        out.add(new Entry(row.getString("query"), row.getOffsetDateTime("at")));
                    }
                    return out;
                });
        Uni<List<Popular>> popular = (fleetWide ? pool.query("SELECT query, count(*) AS n FROM search_history"
                        + " WHERE at > now() - interval '7 days' GROUP BY query ORDER BY n DESC, query LIMIT 10").execute()
                : user == null ? Uni.createFrom().item((io.vertx.mutiny.sqlclient.RowSet<Row>) null)
                : pool.preparedQuery("SELECT query, count(*) AS n FROM search_history WHERE user_id = $1"
                        + " AND at > now() - interval '7 days' GROUP BY query ORDER BY n DESC, query LIMIT 10")
                        .execute(Tuple.of(user)))
                .map(rows -> {
                    List<Popular> out = new ArrayList<>();
                    for (Row row : rows == null ? List.<Row>of() : rows) {
                        out.add(new Popular(row.getString("query"), row.getLong("n")));
                    }
                    return out;
                });
        return schema.ready().chain(() -> Uni.combine().all().unis(recent, popular).asTuple())
                .map(t -> new SearchResource.HistoryView(user, t.getItem1(), t.getItem2()));
    }
}
