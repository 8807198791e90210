package dev.labfleet.automation.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Background work's database access. A reactive session belongs to one Vert.x context and is used sequentially; an
 * execution drives many nodes at once, so each piece of background work runs on a fresh duplicated context of its
 * own, and concurrent nodes never share a session.
 * <p>
 * The fresh contexts come from Quarkus' public {@link VertxContextSupport}, which creates a duplicated context and
 * marks it safe for Hibernate Reactive. It reuses the caller's context when the calling thread has one, and Quarkus'
 * worker pool carries the submitter's Vert.x context over to its threads (a first version handed over through
 * Mutiny's worker pool: concurrent nodes then shared one session, and Hibernate reported non-thread-safe access).
 * So the hand-over goes through a launcher thread of our own, which never has a context: every call gets a new one.
 * The work itself runs on that context's event loop, never on the launcher (as project-service's JobRunner does).
 */
@ApplicationScoped
public class Contexts {

    private static final Logger LOG = Logger.getLogger(Contexts.class);

    /** A plain thread, without a Vert.x context: it only subscribes, the work runs on the new context. */
    private static final ExecutorService LAUNCHER = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "labfleet-automation-context-launcher");
        thread.setDaemon(true);
        return thread;
    });

    /** {@code work} in its own transaction on its own context. */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        return onFreshContext(() -> Panache.withTransaction(work));
    }

    /** {@code work} with a session (no transaction) on its own context. */
    public <T> Uni<T> session(Supplier<Uni<T>> work) {
        return onFreshContext(() -> Panache.withSession(work));
    }

    /**
     * Starts {@code work} on a fresh context of its own and returns at once (background work that outlives the caller:
     * an execution's nodes, a workflow run). Its outcome is the work's to record; a failure it lets through is logged.
     */
    public void start(String what, Supplier<Uni<?>> work) {
        onFreshContext(() -> work.get().replaceWithVoid()).subscribe().with(ignored -> { },
                failure -> LOG.errorf(failure, "%s ended with an unhandled failure", what));
    }

    /** {@code work} subscribed on a new duplicated context that Hibernate Reactive accepts as safe. */
    public <T> Uni<T> onFreshContext(Supplier<Uni<T>> work) {
        // Optional: a Uni's null item (Uni<Void>) would otherwise be a Multi without items
        return Uni.createFrom().emitter(emitter -> LAUNCHER.execute(() -> {
            try {
                VertxContextSupport.<Optional<T>>subscribe(() -> work.get().map(Optional::ofNullable).toMulti(),
                        subscription -> subscription.with(item -> emitter.complete(item.orElse(null)), emitter::fail));
            } catch (RuntimeException e) {
                emitter.fail(e);
            }
        }));
    }
}
