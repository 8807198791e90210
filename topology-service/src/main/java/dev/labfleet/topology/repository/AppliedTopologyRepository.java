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

    private final Pool pool;

    public AppliedTopologyRepository(Pool pool) {
        this.pool = pool;
    }

    /** True when {@code owner} now holds the lab's apply lock; false when another apply holds it. */
    public Uni<Boolean> lock(UUID projectId, String owner, Duration lease) {
        return pool.preparedQuery(TAKE).execute(Tuple.of(projectId, owner, lease.toMillis() / 1000.0))
                .map(rows -> rows.rowCount() > 0);
    }

    public Uni<Void> unlock(UUID projectId, String owner) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(projectId, owner)).replaceWithVoid();
    }
}
