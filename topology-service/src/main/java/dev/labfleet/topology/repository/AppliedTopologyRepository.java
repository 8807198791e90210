package dev.labfleet.topology.repository;

import dev.labfleet.topology.domain.AppliedTopology;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.UUID;

/** Applied specs, and the per-lab apply lock (a lease row, so it holds across replicas without a held connection). */
@ApplicationScoped
public class AppliedTopologyRepository implements PanacheRepositoryBase<AppliedTopology, UUID> {

    private static final String TAKE = "insert into apply_lock (project_id, owner, until) "
            + "values ($1, $2, now() + make_interval(secs => $3)) on conflict (project_id) do update "
            + "set owner = excluded.owner, until = excluded.until where apply_lock.until < now() returning owner";
    private static final String RELEASE = "delete from apply_lock where project_id = $1 and owner = $2";
    private static final String RENEW_LOCK = "update apply_lock set until = now() + make_interval(secs => $3) "
            + "where project_id = $1 and owner = $2";
    private static final String RENEW_OPERATION = "update apply_operation set lease_until = now() "
            + "+ make_interval(secs => $3) where id = $1 and owner = $2 and status = 'RUNNING'";
    private static final String INTERRUPT = "update apply_operation set status = 'INTERRUPTED', finished_at = now(), "
            + "owner = null, lease_until = null, error = $1, error_status = 503 "
            + "where status = 'RUNNING' and lease_until < now() returning id, project_id";

    private final Pool pool;

    public AppliedTopologyRepository(Pool pool) {
        this.pool = pool;
    }

    /** True when {@code owner} now holds the lab's apply lock; false when another apply holds it. */
    public Uni<Boolean> lock(UUID projectId, String owner, Duration lease) {
        return pool.preparedQuery(TAKE).execute(Tuple.of(projectId, owner, lease.toMillis() / 1000.0))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Renews the lab's apply lock and its operation's lease; false when the lock is no longer {@code owner}'s. */
    public Uni<Boolean> renew(UUID projectId, UUID applyId, String owner, Duration lease) {
        double seconds = lease.toMillis() / 1000.0;
        return pool.preparedQuery(RENEW_LOCK).execute(Tuple.of(projectId, owner, seconds))
                .call(rows -> pool.preparedQuery(RENEW_OPERATION).execute(Tuple.of(applyId, owner, seconds)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Applies whose replica stopped renewing them end interrupted; answers how many. */
    public Uni<Integer> interruptAbandoned(String reason) {
        return pool.preparedQuery(INTERRUPT).execute(Tuple.of(reason)).map(rows -> rows.rowCount());
    }

    public Uni<Void> unlock(UUID projectId, String owner) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(projectId, owner)).replaceWithVoid();
    }
}
