package dev.labfleet.support.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.IncomingInterceptor;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Ends a service's Kafka consumption in one short step when the application stops, instead of one channel after
 * the other.
 *
 * <p>SmallRye's own graceful shutdown pauses each incoming channel and then sleeps twice its poll timeout (2 s)
 * before closing it, channel by channel, whether or not a message is being handled: a service with two consumers
 * took 5-6 s to stop, search-service with six 16-18 s (docs/benchmarks.md, #17 item 3). The shared configuration
 * turns that off ({@code graceful-shutdown=false}); in its place this bean counts the messages (or poll batches)
 * handed to the application and not yet acknowledged or refused (it is the default {@link IncomingInterceptor} of
 * every incoming channel), and at {@link ShutdownEvent} (before the connector closes the consumers and before the
 * datasource closes) pauses every Kafka consumer at once and waits until no message has been in hand for
 * {@code labfleet.kafka.drain.quiet} (100 ms), at most {@code labfleet.kafka.drain.timeout} (3 s). An idle service
 * therefore stops without waiting; a busy one finishes what it holds, so those offsets are committed and no handler
 * meets a closed pool. A message still in hand after the timeout is left: its offset is not committed and it is
 * read again at the next start (delivery is at least once; Labfleet's consumers apply events idempotently).
 *
 * <p>SmallRye uses the highest-priority default interceptor only: a service that needs an interceptor of its own
 * for every channel must count in-flight messages there too (one bound to a channel by {@code @Identifier} replaces
 * this one for that channel only, whose messages then go uncounted).
 */
@ApplicationScoped
public class ConsumerDrain implements IncomingInterceptor {

    private static final Logger LOG = Logger.getLogger(ConsumerDrain.class);

    private final InFlight inFlight = new InFlight(System::nanoTime);
    private final Instance<KafkaClientService> clients;
    private final boolean enabled;
    private final Duration timeout;
    private final Duration quiet;

    public ConsumerDrain(Instance<KafkaClientService> clients,
                         @ConfigProperty(name = "labfleet.kafka.drain.enabled", defaultValue = "true") boolean enabled,
                         @ConfigProperty(name = "labfleet.kafka.drain.timeout", defaultValue = "3s") Duration timeout,
                         @ConfigProperty(name = "labfleet.kafka.drain.quiet", defaultValue = "100ms") Duration quiet) {
        this.clients = clients;
        this.enabled = enabled;
        this.timeout = timeout;
        this.quiet = quiet;
    }

    @Override
    public Message<?> afterMessageReceive(Message<?> message) {
        inFlight.received();
        return message;
    }

    @Override
    public void onMessageAck(Message<?> message) {
        inFlight.done();
    }

    @Override
    public void onMessageNack(Message<?> message, Throwable failure) {
        inFlight.done();
    }

    /** Messages handed to the application and not yet acknowledged or refused. */
    public int inFlight() {
        return inFlight.count();
    }

    /** Messages (or poll batches) handed to the application since the start. */
    public long received() {
        return inFlight.total();
    }

    /**
     * Waits until no message is in hand and none came for {@code labfleet.kafka.drain.quiet}; false when
     * {@code timeout} ran out first. Blocks the calling thread: for the shutdown (and tests), never an event loop.
     */
    public boolean awaitIdle(Duration timeout) {
        return inFlight.awaitQuiet(quiet, timeout);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (!enabled) {
            return;
        }
        long start = System.nanoTime();
        int paused = pauseAll();
        boolean drained = awaitIdle(timeout);
        long ms = Duration.ofNanos(System.nanoTime() - start).toMillis();
        if (drained) {
            LOG.debugf("Kafka consumers drained in %d ms (%d paused)", ms, paused);
        } else {
            LOG.infof("stopping: %d Kafka message(s) still being handled after %d ms; their offsets stay uncommitted "
                    + "and they are read again at the next start", inFlight.count(), ms);
        }
    }

    /** Asks every Kafka consumer to pause (on its own polling thread; not awaited: a pause waits for the poll). */
    private int pauseAll() {
        if (!clients.isResolvable()) {
            return 0;
        }
        int n = 0;
        KafkaClientService service = clients.get();
        for (String channel : service.getConsumerChannels()) {
            List<KafkaConsumer<Object, Object>> consumers = service.getConsumers(channel);
            for (KafkaConsumer<Object, Object> consumer : consumers) {
                consumer.pause().subscribe().with(ok -> { },
                        e -> LOG.debugf("stopping: channel %s did not pause (%s)", channel, e.toString()));
                n++;
            }
        }
        return n;
    }

    /** The in-flight count and the time of the last message received; the waiting logic, apart for its tests. */
    static final class InFlight {
        private final AtomicInteger count = new AtomicInteger();
        private final AtomicLong total = new AtomicLong();
        private final LongSupplier nanoTime;
        private volatile long lastReceived;

        InFlight(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            this.lastReceived = nanoTime.getAsLong() - Duration.ofDays(1).toNanos();
        }

        void received() {
            lastReceived = nanoTime.getAsLong();
            total.incrementAndGet();
            count.incrementAndGet();
        }

        void done() {
            // never below zero: a message acknowledged twice (or one received before this bean counted) is not
            // allowed to hide another one still in hand
            count.updateAndGet(c -> Math.max(0, c - 1));
        }

        int count() {
            return count.get();
        }

        long total() {
            return total.get();
        }

        /** True once nothing is in hand and nothing came for {@code quiet}; false when {@code timeout} ran out first. */
        boolean awaitQuiet(Duration quiet, Duration timeout) {
            long deadline = nanoTime.getAsLong() + timeout.toNanos();
            while (true) {
                long now = nanoTime.getAsLong();
                if (count.get() == 0 && now - lastReceived >= quiet.toNanos()) {
                    return true;
                }
                if (now - deadline >= 0) {
                    return false;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return count.get() == 0;
                }
            }
        }
    }
}
