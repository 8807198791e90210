package dev.labfleet.automation.service;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.function.Supplier;

/**
 * Background work's database access. A reactive session belongs to one Vert.x context and is used sequentially;
 * an execution drives many nodes at once, so each write runs in a transaction on a fresh duplicated context of its
 * own, and concurrent nodes never share a session.
 */
@ApplicationScoped
public class Contexts {

    private final Vertx vertx;

    public Contexts(Vertx vertx) {
        this.vertx = vertx;
    }

    /** A fresh, isolated context (Hibernate Reactive accepts it as safe). */
    public Context fresh() {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return context;
    }

    /** {@code work} in its own transaction on its own context. */
    public <T> Uni<T> transaction(Supplier<Uni<T>> work) {
        Context context = fresh();
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> Panache.withTransaction(work)
                .subscribe().with(emitter::complete, emitter::fail)));
    }

    /** {@code work} with a session (no transaction) on its own context. */
    public <T> Uni<T> session(Supplier<Uni<T>> work) {
        Context context = fresh();
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> Panache.withSession(work)
                .subscribe().with(emitter::complete, emitter::fail)));
    }
}
