package dev.labfleet.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes outbox rows to Kafka in write order and marks them published once the broker acknowledged them.
 *
 * <p>With several replicas only one relays at a time (a PostgreSQL transaction-level advisory lock). A row leaves
 * only once every transaction of the database that began writing before it has ended ({@link #PENDING}), so rows
 * committed out of {@code seq} order still leave in order. A batch is sent at once and its acknowledgements are
 * awaited together; a key whose send failed waits, from that row on, for the next tick, so a Kafka outage delays
 * events without losing or reordering them. Delivery is at least once: a consumer applies events idempotently (as
 * Labfleet's own do: each sets a state, never adds to one) or deduplicates on the CloudEvent id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key: "labfleet outbox". */
    private static final long LOCK_KEY = 0x1abf1ee7_0b0bL;
    private static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    /**
     * The unpublished rows that may leave now, in write order: those whose transaction is older than every
     * transaction of this database still in flight. A transaction that wrote a lower {@code seq} but commits after
     * a higher one became visible would otherwise see its event published after the later one (the identity is
     * taken at insert, not at commit). In-flight transactions of other databases on the same server are left out
     * of the horizon (they cannot write our rows), so a long transaction elsewhere does not hold our events back.
     */
    static final String PENDING = """
            select * from outbox_event
            where published_at is null
              and tx_id < coalesce(
                (select min(x::text::bigint) from pg_snapshot_xip(pg_current_snapshot()) x
                  where xid(x) not in (select backend_xid from pg_stat_activity
                                        where backend_xid is not null
                                          and datid is distinct from (select oid from pg_database
                                                                       where datname = current_database()))),
                pg_snapshot_xmax(pg_current_snapshot())::text::bigint)
            order by seq
            limit :limit""";

    private final MutinyEmitter<byte[]> emitter;
    private final int batchSize;
    private final Duration retention;
    private final Counter published;
    private final Counter failures;
    private final AtomicBoolean warnedDown = new AtomicBoolean();
    private final Duration pollInterval;
    private final String topicPrefix;
    private final Duration initialDelay;
    private final Vertx vertx;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile long timer = -1;
    /** Set when the application stops: ticks then do nothing, and one caught mid-way is not worth a warning. */
    private volatile boolean stopping;

    public OutboxRelay(@Channel("outbox") MutinyEmitter<byte[]> emitter,
                       @ConfigProperty(name = "labfleet.outbox.batch-size", defaultValue = "200") int batchSize,
                       @ConfigProperty(name = "labfleet.outbox.retention", defaultValue = "P1D") Duration retention,
                       @ConfigProperty(name = "labfleet.outbox.poll-interval", defaultValue = "0.2s")
                       Duration pollInterval,
                       @ConfigProperty(name = "labfleet.outbox.initial-delay", defaultValue = "1s")
                       Duration initialDelay,
                       @ConfigProperty(name = "labfleet.kafka.topic-prefix") Optional<String> topicPrefix,
                       Vertx vertx, MeterRegistry registry) {
        this.emitter = emitter;
        this.topicPrefix = topicPrefix.orElse("");
        this.pollInterval = pollInterval;
        this.initialDelay = initialDelay;
        this.vertx = vertx;
        this.batchSize = batchSize;
        this.retention = retention;
        this.published = Counter.builder("labfleet_outbox_published").description("Outbox events acknowledged by Kafka")
                .register(registry);
        this.failures = Counter.builder("labfleet_outbox_publish_failures")
                .description("Outbox sends that failed and will be retried").register(registry);
    }

    /**
     * Starts the relay's timer once the application has started: this observer runs after SmallRye Reactive
     * Messaging has wired its channels (at {@code LIBRARY_BEFORE}), so the {@code outbox} emitter is connected when
     * this bean is built. (A {@code @Scheduled} tick could come first on a slow start and fail with SRMSG00019 until
     * the wiring was done; Quarkus' scheduler also runs sub-second {@code every} values only once a second.)
     */
    void onStart(@Observes StartupEvent event) {
        timer = vertx.setTimer(Math.max(1, initialDelay.toMillis()), t -> {
            if (!stopping) {
                timer = vertx.setPeriodic(Math.max(10, pollInterval.toMillis()), p -> tickOnFreshContext());
            }
        });
    }

    /** A tick on a duplicated context of its own (a reactive session's home); skipped while the previous one runs. */
    private void tickOnFreshContext() {
        if (stopping || !busy.compareAndSet(false, true)) {
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> tick().subscribe().with(ok -> busy.set(false), e -> busy.set(false)));
    }

    Uni<Void> tick() {
        if (stopping) {
            return Uni.createFrom().voidItem();
        }
        return relayOnce().replaceWithVoid()
                .onFailure().invoke(e -> {
                    if (stopping) {
                        // the datasource pool closes under a tick in flight; its rows go at the next start
                        LOG.debugf("outbox relay tick ended by the shutdown: %s", e.toString());
                    } else {
                        LOG.warnf("outbox relay tick failed: %s", e.toString());
                    }
                })
                .onFailure().recoverWithNull();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopping = true;
        vertx.cancelTimer(timer);
    }

    /** Publishes one batch; returns how many events were acknowledged. */
    public Uni<Integer> relayOnce() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("select pg_try_advisory_xact_lock(" + LOCK_KEY + ")",
                        Boolean.class).getSingleResult())
                .chain(locked -> Boolean.TRUE.equals(locked) ? publishBatch() : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishBatch() {
        return Panache.getSession().chain(session -> session.createNativeQuery(PENDING, OutboxEvent.class)
                        .setParameter("limit", batchSize).getResultList())
                .chain(this::publishAll);
    }

    /**
     * Sends the batch in seq order, keys in parallel and each key's records one after the other (the next once Kafka
     * acknowledged the previous one), then awaits every acknowledgement. A row is marked published when Kafka
     * acknowledged it and no earlier row of its key in this batch failed; the others go again at the next tick, so a
     * key's events never leave out of order (a record sent again after a partial failure may reach consumers twice:
     * delivery is at least once).
     */
    private Uni<Integer> publishAll(List<OutboxEvent> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<CompletableFuture<Throwable>> acks = new ArrayList<>(rows.size());
        Map<String, CompletableFuture<Throwable>> lastOfKey = new HashMap<>();
        for (OutboxEvent row : rows) {
            // keys go in parallel, one key's records one after the other: a record that fails before it reaches the
            // producer's queue (no metadata yet, as Kafka comes back) must not let the next one of its key overtake it
            String key = row.topic + "\u0000" + row.recordKey;
            CompletableFuture<Throwable> before = lastOfKey.get(key);
            CompletableFuture<Throwable> ack = before == null ? ack(row)
                    : before.thenCompose(failed -> failed != null ? CompletableFuture.completedFuture(failed) : ack(row));
            lastOfKey.put(key, ack);
            acks.add(ack);
        }
        // the acknowledgements complete on Kafka's threads: the session's rows are touched back on its own context
        Context context = Vertx.currentContext();
        Uni<Void> all = Uni.createFrom().completionStage(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
        if (context != null) {
            all = all.emitOn(task -> context.runOnContext(ignored -> task.run()));
        }
        return all.map(ignored -> settle(rows, acks));
    }

    private int settle(List<OutboxEvent> rows, List<CompletableFuture<Throwable>> acks) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Set<String> blocked = new HashSet<>();
        Throwable firstFailure = null;
        int done = 0;
        for (int i = 0; i < rows.size(); i++) {
            OutboxEvent row = rows.get(i);
            Throwable failure = acks.get(i).join();
            row.attempts++;
            String key = row.topic + "\u0000" + row.recordKey;
            if (failure == null && !blocked.contains(key)) {
                row.publishedAt = now;
                done++;
            } else {
                blocked.add(key);
                if (failure != null && firstFailure == null) {
                    firstFailure = failure;
                }
            }
        }
        if (done > 0) {
            published.increment(done);
        }
        if (firstFailure != null) {
            failures.increment();
            if (warnedDown.compareAndSet(false, true)) {
                LOG.warnf("outbox: Kafka did not acknowledge (%s); %d event(s) wait for the next attempt",
                        firstFailure.toString(), rows.size() - done);
            }
        } else if (warnedDown.compareAndSet(true, false)) {
            LOG.info("outbox: Kafka acknowledges again");
        }
        return done;
    }

    /** Sends a row; completes with null once Kafka acknowledged it, with the failure otherwise (never exceptionally). */
    private CompletableFuture<Throwable> ack(OutboxEvent row) {
        return send(row).map(ok -> (Throwable) null).onFailure().recoverWithItem(e -> e)
                .subscribeAsCompletionStage();
    }

    private Uni<Void> send(OutboxEvent row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topicPrefix + row.topic)
                .withKey(row.recordKey)
                .withHeaders(headers)
                .build();
        return emitter.sendMessage(Message.of(row.payload.getBytes(StandardCharsets.UTF_8)).addMetadata(metadata));
    }

    /** Deletes events published longer ago than the retention. */
    @Scheduled(every = "${labfleet.outbox.cleanup-interval:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "30s")
    Uni<Void> cleanup() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(retention);
        return Panache.withTransaction(() -> OutboxEvent.delete("publishedAt < ?1", before)).replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
