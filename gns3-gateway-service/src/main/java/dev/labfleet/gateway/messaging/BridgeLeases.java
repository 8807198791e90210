package dev.labfleet.gateway.messaging;

import dev.labfleet.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Which replica bridges which GNS3 server: one row per server in {@code gateway_lease}, held by this replica while it
 * renews it (every supervision) and free for another replica once it runs out ({@code labfleet.gateway.bridge.lease}).
 */
@ApplicationScoped
public class BridgeLeases {

    private static final String LEASE = "insert into gateway_lease (name, owner, until) "
            + "values ($1, $2, now() + make_interval(secs => $3)) on conflict (name) do update "
            + "set owner = excluded.owner, until = excluded.until "
            + "where gateway_lease.owner = excluded.owner or gateway_lease.until < now() returning owner";
    private static final String RELEASE = "delete from gateway_lease where name = $1 and owner = $2";

    private final Pool pool;
    private final GatewayConfig config;
    private final String replica = "gateway-" + UUID.randomUUID();

    public BridgeLeases(Pool pool, GatewayConfig config) {
        this.pool = pool;
        this.config = config;
    }

    /** Takes the server's lease, or renews it when this replica holds it: whether this replica holds it now. */
    Uni<Boolean> acquire(UUID serverId) {
        double seconds = config.bridge().lease().toMillis() / 1000.0;
        return pool.preparedQuery(LEASE).execute(Tuple.of(name(serverId), replica, seconds))
                .map(rows -> {
                    for (Row row : rows) {
                        return replica.equals(row.getString("owner"));
                    }
                    return false;
                });
    }

    /** Gives the server's lease up at once (at shutdown), so another replica need not wait for it to run out. */
    void release(UUID serverId) {
        pool.preparedQuery(RELEASE).execute(Tuple.of(name(serverId), replica)).subscribe().with(r -> { }, e -> { });
    }

    private static String name(UUID serverId) {
        return "bridge:" + serverId;
    }
}
