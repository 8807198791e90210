package dev.labfleet.automation.console;

import dev.labfleet.automation.config.AutomationConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/**
 * One console session per node across all replicas: a lease row per node in PostgreSQL ({@code console_lease}),
 * taken when free or expired, renewed while the session lasts, deleted when it ends. A replica that dies holding
 * one loses it when it expires; whoever takes an expired lease counts it as taken over.
 */
@ApplicationScoped
public class ConsoleLeases {

    /** Takes the lease when nobody holds it or the holder's lease ran out; answers whether it did, and over whom. */
    private static final String TAKE = """
            with previous as (select holder from console_lease where node_id = $1)
            insert into console_lease (node_id, holder, until) values ($1, $2, now() + $3 * interval '1 millisecond')
            on conflict (node_id) do update set holder = excluded.holder, until = excluded.until
              where console_lease.until < now() or console_lease.holder = excluded.holder
            returning (select holder from previous) as previous""";
    private static final String RENEW = "update console_lease set until = now() + $3 * interval '1 millisecond' "
            + "where node_id = $1 and holder = $2";
    private static final String RELEASE = "delete from console_lease where node_id = $1 and holder = $2";

    private final Pool pool;
    private final Duration ttl;
    private final Counter takenOver;

    public ConsoleLeases(Pool pool, AutomationConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.ttl = config.console().leaseTtl();
        this.takenOver = Counter.builder("labfleet.automation.leases.taken.over")
                .description("Console leases taken over from a holder whose lease had expired").register(registry);
    }

    public Duration ttl() {
        return ttl;
    }

    /** Whether {@code holder} now holds the node's console. */
    public Uni<Boolean> tryTake(String nodeId, String holder) {
        return pool.preparedQuery(TAKE).execute(Tuple.of(nodeId, holder, ttl.toMillis()))
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return false;
                    }
                    Row row = rows.iterator().next();
                    String previous = row.getString("previous");
                    if (previous != null && !previous.equals(holder)) {
                        takenOver.increment();
                    }
                    return true;
                });
    }

    public Uni<Boolean> renew(String nodeId, String holder) {
        return pool.preparedQuery(RENEW).execute(Tuple.of(nodeId, holder, ttl.toMillis())).map(RowSet::rowCount)
                .map(n -> n > 0);
    }

    public Uni<Void> release(String nodeId, String holder) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(nodeId, holder)).replaceWithVoid();
    }
}
