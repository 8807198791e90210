package dev.labfleet.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes outbox rows to Kafka in write order and marks them published once the broker acknowledged them.
 *
 * <p>With several replicas only one relays at a time (a PostgreSQL transaction-level advisory lock), which keeps
 * each project's events in order. A failed send stops the batch there; the rest wait for the next tick, so a
 * Kafka outage delays events without losing or reordering them. Delivery is at least once: consumers
 * deduplicate on the CloudEvent id.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Advisory lock key: "labfleet outbox". */
    private static final long LOCK_KEY = 0x1abf1ee7_0b0bL;
    private static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private final MutinyEmitter<byte[]> emitter;
    private final int batchSize;
    private final Duration retention;
    private final Counter published;
    private final Counter failures;
    private final AtomicBoolean warnedDown = new AtomicBoolean();
    /** Set when the application stops: ticks then do nothing, and one caught mid-way is not worth a warning. */
    private volatile boolean stopping;

    public OutboxRelay(@Channel("outbox") MutinyEmitter<byte[]> emitter,
                       @ConfigProperty(name = "labfleet.outbox.batch-size", defaultValue = "200") int batchSize,
                       @ConfigProperty(name = "labfleet.outbox.retention", defaultValue = "P1D") Duration retention,
                       MeterRegistry registry) {
        this.emitter = emitter;
        this.batchSize = batchSize;
        this.retention = retention;
        this.published = Counter.builder("labfleet_outbox_published").description("Outbox events acknowledged by Kafka")
                .register(registry);
        this.failures = Counter.builder("labfleet_outbox_publish_failures")
                .description("Outbox sends that failed and will be retried").register(registry);
    }

    @Scheduled(every = "${labfleet.outbox.poll-interval:0.2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "${labfleet.outbox.initial-delay:3s}")
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
    }

    /** Publishes one batch; returns how many events were acknowledged. */
    public Uni<Integer> relayOnce() {
        return Panache.withTransaction(() -> Panache.getSession()
                .chain(session -> session.createNativeQuery("select pg_try_advisory_xact_lock(" + LOCK_KEY + ")",
                        Boolean.class).getSingleResult())
                .chain(locked -> Boolean.TRUE.equals(locked) ? publishBatch() : Uni.createFrom().item(0)));
    }

    private Uni<Integer> publishBatch() {
        return OutboxEvent.<OutboxEvent>find("publishedAt is null order by seq").page(0, batchSize).list()
                .chain(this::publishInOrder);
    }

    private Uni<Integer> publishInOrder(List<OutboxEvent> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int[] done = {0};
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(row -> send(row)
                        .invoke(() -> {
                            row.publishedAt = OffsetDateTime.now(ZoneOffset.UTC);
                            row.attempts++;
                            done[0]++;
                        }))
                .collect().last()
                .replaceWith(() -> done[0])
                .onFailure().recoverWithUni(e -> {
                    failures.increment();
                    if (warnedDown.compareAndSet(false, true)) {
                        LOG.warnf("outbox: Kafka did not acknowledge (%s); %d event(s) wait for the next attempt",
                                e.toString(), rows.size() - done[0]);
                    }
                    rows.get(done[0]).attempts++;
                    return Uni.createFrom().item(done[0]);
                })
                .invoke(n -> {
                    if (n > 0) {
                        published.increment(n);
                        if (n == rows.size() && warnedDown.compareAndSet(true, false)) {
                            LOG.info("outbox: Kafka acknowledges again");
                        }
                    }
                });
    }

    private Uni<Void> send(OutboxEvent row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(row.topic)
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
