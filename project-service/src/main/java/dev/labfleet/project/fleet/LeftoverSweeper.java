package dev.labfleet.project.fleet;

import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.GatewayClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Deletes the partial copies that failed moves left on their targets: a rollback that cannot reach the target
 * records the copy as a leftover of its move ({@code leftover_state = 'PENDING'}) instead of forgetting it. Every
 * replica looks for due leftovers each tick and claims a few ({@code FOR UPDATE SKIP LOCKED}, pushing their next try
 * out by a doubling back-off, so two replicas never try the same one at once); a delete that succeeds, or finds the
 * copy gone (404), marks it {@code REMOVED}. A leftover is never deleted while the lab's record points at that server
 * or while another move of the lab runs, and {@link MoveRunner}, {@link MoveService} and {@link BackupService} keep
 * moves and failovers of the lab off the server until it is gone, so the sweeper cannot delete a live copy.
 */
@ApplicationScoped
public class LeftoverSweeper {

    private static final Logger LOG = Logger.getLogger(LeftoverSweeper.class);

    private static final String CLAIM = """
            UPDATE fleet_move m SET leftover_attempts = m.leftover_attempts + 1,
                   leftover_next_try = now() + least($1 * power(2, least(m.leftover_attempts, 16)), $2)
                                              * interval '1 millisecond'
            WHERE m.id IN (
              SELECT x.id FROM fleet_move x
              WHERE x.leftover_state = 'PENDING' AND x.leftover_next_try <= now()
                AND NOT EXISTS (SELECT 1 FROM project p WHERE p.id = x.project_id AND p.server_id = x.leftover_server_id)
                AND NOT EXISTS (SELECT 1 FROM fleet_move a WHERE a.active_project_id = x.project_id)
              ORDER BY x.leftover_next_try LIMIT 8 FOR UPDATE SKIP LOCKED)
            RETURNING m.id, m.project_id, m.leftover_server_id, m.leftover_attempts""";

    private final GatewayClient gateway;
    private final FleetConfig config;
    private final Pool pool;
    private volatile boolean stopping;

    public LeftoverSweeper(GatewayClient gateway, FleetConfig config, Pool pool) {
        this.gateway = gateway;
        this.config = config;
        this.pool = pool;
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** The servers that still hold a leftover copy of the lab. */
    static Uni<List<UUID>> pendingServers(Pool pool, UUID projectId) {
        return pool.preparedQuery("SELECT DISTINCT leftover_server_id FROM fleet_move WHERE project_id = $1 "
                        + "AND leftover_state = 'PENDING'").execute(Tuple.of(projectId))
                .map(rows -> {
                    List<UUID> servers = new ArrayList<>();
                    for (Row row : rows) {
                        servers.add(row.getUUID(0));
                    }
                    return servers;
                });
    }

    /** Why a move of the lab to {@code server} cannot go now. */
    static String blocked(UUID projectId, UUID server) {
        return "server " + server + " still holds a partial copy of lab " + projectId + " that an earlier failed move "
                + "could not delete; it is deleted as soon as the server answers, move the lab there after that";
    }

    @Scheduled(every = "${labfleet.project.fleet.leftover-interval:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return sweep().onFailure().recoverWithItem(e -> {
            LOG.debugf("leftover sweep: %s", e.toString());
            return null;
        });
    }

    /** One pass: the due leftovers this replica claimed, each deleted (or found gone) or pushed back. */
    public Uni<Void> sweep() {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(config.leftoverRetry().toMillis(),
                        config.leftoverRetryMax().toMillis()))
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndMerge(this::remove)
                .collect().asList().replaceWithVoid();
    }

    private Uni<Void> remove(Row row) {
        UUID moveId = row.getUUID("id");
        UUID projectId = row.getUUID("project_id");
        UUID server = row.getUUID("leftover_server_id");
        return gateway.deleteProject(server, projectId).replaceWithVoid()
                .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404).recoverWithNull()
                .chain(() -> pool.preparedQuery("UPDATE fleet_move SET leftover_state = 'REMOVED', "
                                + "leftover_removed_at = now(), leftover_next_try = null WHERE id = $1 "
                                + "AND leftover_state = 'PENDING'").execute(Tuple.of(moveId)))
                .invoke(() -> LOG.infof("move %s: the partial copy of lab %s it left on server %s is deleted",
                        moveId, projectId, server))
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    String reason = MoveRunner.reason(e);
                    LOG.infof("move %s: the partial copy of lab %s on server %s is still there (try %d): %s",
                            moveId, projectId, server, row.getInteger("leftover_attempts"), reason);
                    return pool.preparedQuery("UPDATE fleet_move SET leftover_error = left($2, 2000) WHERE id = $1")
                            .execute(Tuple.of(moveId, reason)).replaceWithVoid()
                            .onFailure().recoverWithNull();
                });
    }
}
