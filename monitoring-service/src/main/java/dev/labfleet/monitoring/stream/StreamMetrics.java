package dev.labfleet.monitoring.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** WebSocket stream figures: updates sent, coalesced (a newer state replaced a pending one) and slow clients closed. */
@ApplicationScoped
public class StreamMetrics {

    private final Counter sent;
    private final Counter coalesced;
    private final Counter closedSlow;
    private final Counter frames;
    private final Counter framesEncoded;

    public StreamMetrics(MeterRegistry registry) {
        this.sent = Counter.builder("monitoring_ws_updates_sent").description("deltas written to stream clients")
                .register(registry);
        this.coalesced = Counter.builder("monitoring_ws_updates_coalesced")
                .description("pending deltas replaced by a newer state of the same object (slow clients)")
                .register(registry);
        this.closedSlow = Counter.builder("monitoring_ws_clients_closed_slow")
                .description("stream clients closed because they stayed too far behind").register(registry);
        this.frames = Counter.builder("monitoring_ws_frames_flushed")
                .description("delta frames handed to stream clients on the hub's ticks").register(registry);
        this.framesEncoded = Counter.builder("monitoring_ws_frames_encoded")
                .description("distinct delta frames encoded on the hub's ticks (clients of the same objects share one)")
                .register(registry);
    }

    void sent(int n) {
        sent.increment(n);
    }

    void coalesced() {
        coalesced.increment();
    }

    void flushed(int clients, int distinctFrames) {
        frames.increment(clients);
        framesEncoded.increment(distinctFrames);
    }

    public double framesFlushed() {
        return frames.count();
    }

    public double framesEncoded() {
        return framesEncoded.count();
    }

    void closedSlow() {
        closedSlow.increment();
    }

    public double coalescedCount() {
        return coalesced.count();
    }

    public double closedSlowCount() {
        return closedSlow.count();
    }
}
