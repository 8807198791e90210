package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.model.FleetModel;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Which replica does the fleet-wide work (captures and traffic sampling, auto-switch, detectors, healing): the holder
 * of the {@code leader} row of {@code monitoring_lease}, renewed every capture interval and taken over by another
 * replica once it expired. Every replica still serves streams and REST.
 */
@ApplicationScoped
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);
    private static final String CLAIM = "INSERT INTO monitoring_lease (name, owner, expires_at) "
            + "VALUES ($1, $2, now() + $3 * interval '1 millisecond') "
            + "ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at "
            + "WHERE monitoring_lease.owner = EXCLUDED.owner OR monitoring_lease.expires_at < now() RETURNING owner";

    private final Pool pool;
    private final String me;
    private final long leaseMillis;
    private volatile boolean leader;

    public Leadership(Pool pool, FleetModel model, MonitoringConfig config) {
        this.pool = pool;
        this.me = model.epoch();
        this.leaseMillis = config.capture().lease().toMillis();
    }

    /** This replica's id (its model epoch). */
    public String me() {
        return me;
    }

    public boolean leader() {
        return leader;
    }

    /** Claims or renews the lease; answers whether this replica leads now. */
    public Uni<Boolean> renew() {
        return claim("leader")
                .invoke(now -> {
                    if (now != leader) {
                        LOG.infof("monitoring leader: %s", now ? "this replica" : "another replica");
                    }
                    leader = now;
                })
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("leader lease not renewed: %s", e.getMessage());
                    leader = false;
                    return false;
                });
    }

    /** Claims or renews any named lease (per-lab healing...). */
    public Uni<Boolean> claim(String name) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(name, me, leaseMillis))
                .map(rows -> rows.size() > 0);
    }

    public Uni<Void> release() {
        leader = false;
        return pool.preparedQuery("DELETE FROM monitoring_lease WHERE owner = $1").execute(Tuple.of(me))
                .replaceWithVoid().onFailure().recoverWithNull();
    }
}
