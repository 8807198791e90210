package dev.labfleet.search.graphql;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.graphql.execution.ExecutionResponse;
import io.smallrye.graphql.execution.ExecutionService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.json.Json;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Builds SmallRye GraphQL's executable engine at start instead of on the first request. SmallRye builds the schema
 * model while Quarkus starts, but the graphql-java engine over it (instrumentations, the parsed-document cache,
 * the classes of validation and execution) lazily, inside the first {@code POST /graphql}, which runs on the event
 * loop: the first caller waited for it and the event loop was blocked meanwhile. Running one document that selects
 * {@code __typename} (no resolver, no data read) from the start-up observer, which runs on the main thread before the
 * HTTP server takes requests, moves that work out of any request. A failure here is logged and leaves the lazy path
 * as it was: the endpoint still works, only its first request is slower.
 */
@ApplicationScoped
public class GraphqlWarmup {

    private static final Logger LOG = Logger.getLogger(GraphqlWarmup.class);

    private final ExecutionService execution;
    private final AtomicReference<Instant> warmedAt = new AtomicReference<>();

    public GraphqlWarmup(ExecutionService execution) {
        this.execution = execution;
    }

    void onStart(@Observes StartupEvent event) {
        long started = System.nanoTime();
        AtomicReference<String> outcome = new AtomicReference<>();
        try {
            execution.executeSync(Json.createObjectBuilder().add("query", "query warmup { __typename }").build(),
                    new io.smallrye.graphql.execution.ExecutionResponseWriter() {
                        @Override
                        public void write(ExecutionResponse response) {
                            outcome.set(response.getExecutionResultAsString());
                        }

                        @Override
                        public void fail(Throwable t) {
                            outcome.set("failed: " + t);
                        }
                    });
        } catch (RuntimeException e) {
            outcome.set("failed: " + e);
        }
        String result = outcome.get();
        if (result != null && result.contains("__typename")) {
            warmedAt.set(Instant.now());
            LOG.debugf("GraphQL engine built at start in %d ms", Duration.ofNanos(System.nanoTime() - started).toMillis());
        } else {
            LOG.warnf("GraphQL engine not built at start (%s); the first /graphql request builds it", result);
        }
    }

    /** When the engine was built at start, or null when it was not (then the first request builds it). */
    public Instant warmedAt() {
        return warmedAt.get();
    }
}
