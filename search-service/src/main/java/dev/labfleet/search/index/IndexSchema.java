package dev.labfleet.search.index;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The index's tables. They are Flyway's (src/main/resources/db/migration), migrated before the application starts
 * serving, under Flyway's lock when several replicas start at once; readers and writers still ask {@link #ready()}
 * so that a later schema step that must wait (a rebuild in the background) has one place to go.
 */
@ApplicationScoped
public class IndexSchema {

    private static final Uni<Void> READY = Uni.createFrom().voidItem();

    /** Completes once the tables exist: at once, since migrations ran at start. */
    public Uni<Void> ready() {
        return READY;
    }
}
