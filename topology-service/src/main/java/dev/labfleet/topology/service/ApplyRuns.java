package dev.labfleet.topology.service;

import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.repository.AppliedTopologyRepository;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The applies running on this replica, in the background of the request that accepted them: each runs on a Vert.x
 * context of its own (Quarkus' {@link VertxContextSupport}), so a client that gives up (or an edge timeout) does not
 * cancel it, and its lab's apply lock and its operation's lease are renewed every
 * {@code labfleet.topology.apply.lock-heartbeat} while it runs. A replica that dies stops renewing them: the lab is
 * free again and the apply reported {@code INTERRUPTED} (by whichever replica sweeps first) within the lease
 * ({@code labfleet.topology.apply.lock-lease}) and a sweep. A heartbeat that finds the lock taken by another marks
 * the apply lost: it sends no further step to the gateway.
 */
@ApplicationScoped
public class ApplyRuns {

    private static final Logger LOG = Logger.getLogger(ApplyRuns.class);
    /** {@link VertxContextSupport} reuses the caller's context when there is one; this thread has none. */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "labfleet-apply-launcher");
        thread.setDaemon(true);
        return thread;
    });
    static final String ABANDONED = "the replica running this apply stopped before it ended: apply the spec again to "
            + "finish the job (stable ids make it safe)";

    private final AppliedTopologyRepository applied;
    private final TopologyConfig config;
    private final Map<UUID, Active> active = new ConcurrentHashMap<>();

    private record Active(UUID projectId, String owner, AtomicBoolean lost) {
    }

    public ApplyRuns(AppliedTopologyRepository applied, TopologyConfig config) {
        this.applied = applied;
        this.config = config;
    }

    /** Runs {@code work} in the background under the lab's lock held by {@code owner}; the future ends with it. */
    <T> CompletableFuture<T> launch(UUID applyId, UUID projectId, String owner, Supplier<Uni<T>> work) {
        CompletableFuture<T> finished = new CompletableFuture<>();
        active.put(applyId, new Active(projectId, owner, new AtomicBoolean()));
        LAUNCHER.execute(() -> VertxContextSupport.subscribe(
                () -> Uni.createFrom().<T>deferred(() -> work.get())
                        .onTermination().invoke(() -> active.remove(applyId)).toMulti(),
                subscribe -> subscribe.with(item -> finished.complete(item),
                        failure -> finished.completeExceptionally(failure))));
        return finished;
    }

    /** False once a heartbeat found the lab's lock held by another apply. */
    boolean held(UUID applyId) {
        Active a = active.get(applyId);
        return a == null || !a.lost().get();
    }

    @Scheduled(every = "${labfleet.topology.apply.lock-heartbeat:5s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        if (active.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(List.copyOf(active.entrySet()))
                .onItem().transformToUniAndMerge(e -> applied.renew(e.getValue().projectId(), e.getKey(),
                                e.getValue().owner(), config.apply().lockLease())
                        .invoke(held -> {
                            if (!held && active.containsKey(e.getKey())) {
                                LOG.warnf("apply %s lost the lock of lab %s: no further step is sent", e.getKey(),
                                        e.getValue().projectId());
                                e.getValue().lost().set(true);
                            }
                        })
                        .replaceWithVoid()
                        .onFailure().invoke(f -> LOG.debugf("heartbeat of apply %s failed: %s", e.getKey(), f))
                        .onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    /** Applies whose replica died (their lease ran out) are reported interrupted; their lab's lock has run out too. */
    @Scheduled(every = "${labfleet.topology.apply.lock-heartbeat:5s}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return applied.interruptAbandoned(ABANDONED)
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("%d applies interrupted: their replica stopped renewing them", n);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
