package dev.labfleet.topology.service;

import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.repository.AppliedTopologyRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.UUID;

/**
 * A lab's apply lock: one apply of a lab at a time, fleet-wide. The lock is a lease ({@code
 * labfleet.topology.apply.lock-lease}) held by {@code <replica>/<applyId>} and renewed by {@link ApplyRuns}' heartbeat,
 * so a replica that dies frees its labs within the lease.
 */
@ApplicationScoped
public class ApplyLocks {

    private static final Logger LOG = Logger.getLogger(ApplyLocks.class);

    private final AppliedTopologyRepository applied;
    private final TopologyCache cache;
    private final TopologyConfig config;
    private final String replica = "topology-" + UUID.randomUUID();

    public ApplyLocks(AppliedTopologyRepository applied, TopologyCache cache, TopologyConfig config) {
        this.applied = applied;
        this.cache = cache;
        this.config = config;
    }

    /** Who holds the lock for one apply on this replica. */
    String owner(UUID applyId) {
        return replica + "/" + applyId;
    }

    /** Takes the lab's lock for {@code owner}: false while another apply holds it. */
    Uni<Boolean> take(UUID projectId, String owner) {
        return applied.lock(projectId, owner, config.apply().lockLease());
    }

    /**
     * Frees the lab (on each subscription): its lock, and its cached reads, stale once the lab changed (or may have,
     * when an apply failed half-way); both at once. Never fails: a lock not released runs out with its lease.
     */
    Uni<Void> release(UUID projectId, String owner) {
        return Uni.combine().all().unis(
                cache.invalidate(projectId).onFailure().recoverWithNull(),
                applied.unlock(projectId, owner)
                        .onFailure().invoke(e -> LOG.warnf("apply lock of %s not released: %s", projectId, e))
                        .onFailure().recoverWithNull()).discardItems();
    }
}
