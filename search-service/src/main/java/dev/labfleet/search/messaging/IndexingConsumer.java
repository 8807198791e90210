package dev.labfleet.search.messaging;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.support.messaging.ApplyUntilDone;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.index.DocumentMapper;
import dev.labfleet.search.index.IndexChanged;
import dev.labfleet.search.index.IndexOp;
import dev.labfleet.search.index.IndexWriter;
import dev.labfleet.search.index.Kind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds the index from the fleet's topics. Each channel takes a poll's records at a time and applies them in one
 * transaction; the offsets are committed only after it (at-least-once), and since every write is ordered by event
 * time, a record applied again after a restart changes nothing. Index lag (event time to searchable) is the
 * {@code labfleet_search_index_lag} timer.
 *
 * <p>A batch the index cannot take (the database away) is retried in place, unacknowledged, for up to
 * {@code labfleet.search.consumers.give-up-after}; only then does it fail, and the channel's failure strategy keeps
 * its records on the channel's dead-letter topic. Nothing is acknowledged without being indexed.
 */
@ApplicationScoped
public class IndexingConsumer {


    private final IndexWriter writer;
    private final Event<IndexChanged> changed;
    private final Timer lag;
    private final Counter applied;
    private final Counter failed;
    private final Timer batchTime;
    private final io.micrometer.core.instrument.DistributionSummary batchSize;
    private final AtomicLong lastLagMs = new AtomicLong();
    private final ApplyUntilDone retry;

    public IndexingConsumer(IndexWriter writer, Event<IndexChanged> changed, MeterRegistry registry,
                            SearchConfig config) {
        this.writer = writer;
        SearchConfig.Consumers consumers = config.consumers();
        this.retry = new ApplyUntilDone(consumers.firstBackoff(), consumers.maxBackoff(), consumers.giveUpAfter());
        this.changed = changed;
        this.lag = Timer.builder("labfleet_search_index_lag").description("Event time to searchable")
                .publishPercentiles(0.5, 0.95, 0.99).register(registry);
        this.applied = Counter.builder("labfleet_search_events_indexed").description("Events applied to the index")
                .register(registry);
        this.failed = Counter.builder("labfleet_search_events_failed")
                .description("Events whose batch could not be indexed within the retry window (sent to the dead-letter topic)")
                .register(registry);
        registry.gauge("labfleet_search_index_lag_last_ms", lastLagMs);
        this.batchTime = Timer.builder("labfleet_search_index_batch_duration")
                .description("Time to apply one consumed batch to the index (one transaction)")
                .publishPercentiles(0.5, 0.99).register(registry);
        this.batchSize = io.micrometer.core.instrument.DistributionSummary.builder("labfleet_search_index_batch_events")
                .description("Events per consumed batch").register(registry);
    }

    @Incoming("gns3-events")
    public Uni<Void> gns3(List<CloudEvent> events) {
        return consume(events);
    }

    @Incoming("lab-projects")
    public Uni<Void> projects(List<CloudEvent> events) {
        return consume(events);
    }

    @Incoming("lab-topology")
    public Uni<Void> topology(List<CloudEvent> events) {
        return consume(events);
    }

    @Incoming("lab-automation")
    public Uni<Void> automation(List<CloudEvent> events) {
        return consume(events);
    }

    @Incoming("lab-monitoring")
    public Uni<Void> monitoring(List<CloudEvent> events) {
        return consume(events);
    }

    /** Applies a batch of events, retried until indexed or given up (then failing: the dead-letter topic keeps it). */
    Uni<Void> consume(List<CloudEvent> events) {
        int size = (int) events.stream().filter(Objects::nonNull).count();
        return retry.apply("search index: a batch of " + size + " event(s)", () -> index(events))
                .onFailure().invoke(e -> failed.increment(size));
    }

    /** Applies a batch of events once (also used by tests and the benchmark); fails when the index refuses it. */
    public Uni<Void> index(List<CloudEvent> events) {
        List<CloudEvent> present = events.stream().filter(Objects::nonNull).toList();
        List<IndexOp> ops = new ArrayList<>();
        Set<Kind> kinds = EnumSet.noneOf(Kind.class);
        for (CloudEvent event : present) {
            for (IndexOp op : DocumentMapper.map(event)) {
                ops.add(op);
                kinds.add(kindOf(op));
            }
        }
        if (ops.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long started = System.nanoTime();
        return writer.apply(ops)
                .invoke(() -> {
                    batchTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
                    batchSize.record(present.size());
                    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
                    for (CloudEvent event : present) {
                        if (event.time() != null) {
                            Duration d = Duration.between(event.time(), now);
                            lag.record(d.isNegative() ? Duration.ZERO : d);
                            lastLagMs.set(Math.max(0, d.toMillis()));
                        }
                    }
                    applied.increment(present.size());
                    changed.fire(new IndexChanged(kinds));
                });
    }

    private static Kind kindOf(IndexOp op) {
        if (op instanceof IndexOp.Upsert u) {
            return u.doc().kind();
        } else if (op instanceof IndexOp.Delete d) {
            return d.kind();
        } else if (op instanceof IndexOp.DeleteLab) {
            return Kind.LAB;
        } else if (op instanceof IndexOp.Retain r) {
            return r.kinds().iterator().next();
        }
        return Kind.TEMPLATE;
    }
}
