package dev.labfleet.monitoring.stream;

import dev.labfleet.monitoring.model.Delta;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.Subscription;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One stream client. Deltas wait in {@code pending}, one entry per object (a newer state of the same object
 * replaces the older one and moves to the end, so pending stays in sequence order: the last sequence a client saw
 * always covers everything before it). Nothing is sent where a delta is offered: the hub flushes every client with
 * pending deltas on its tick ({@code labfleet.monitoring.stream.flush-interval}), so a busy lab costs each client one
 * frame per tick whatever the event rate, and clients of the same objects share one encoded frame. One frame is in
 * flight at a time, so a slow reader holds at most one frame plus one state per object, never a queue of every
 * change. A client too far behind (too many pending objects, or a frame unwritten for too long) is closed with a
 * reason.
 */
final class StreamClient implements FleetModel.DeltaSink {

    static final int TOO_SLOW = 4008;

    private final WebSocketConnection connection;
    private final Subscription subscription;
    private final StreamHub hub;
    private final LinkedHashMap<String, Delta> pending = new LinkedHashMap<>();
    private boolean inFlight = true; // until the snapshot is out
    private long inFlightSince = System.nanoTime();
    private boolean closed;

    StreamClient(WebSocketConnection connection, Subscription subscription, StreamHub hub) {
        this.connection = connection;
        this.subscription = subscription;
        this.hub = hub;
    }

    @Override
    public Subscription subscription() {
        return subscription;
    }

    WebSocketConnection connection() {
        return connection;
    }

    @Override
    public void offer(Delta delta) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (pending.remove(delta.key()) != null) {
                hub.metrics().coalesced();
            }
            pending.put(delta.key(), delta);
            if (pending.size() > hub.maxPending()) {
                closeSlow(pending.size() + " updates pending");
                return;
            }
        }
        hub.dirty(this);
    }

    /** Sends what the client starts with (snapshot or missed deltas), then whatever queued meanwhile. */
    void start(FleetModel.Start start) {
        String first;
        if (start.snapshot() != null) {
            first = start.snapshot();
        } else {
            first = frame(start.missed());
        }
        send(first, start.snapshot() != null ? 0 : start.missed().size());
    }

    /** Forget everything queued and start over (a resume on an open connection). */
    synchronized void resetForResume() {
        pending.clear();
        inFlight = true;
        inFlightSince = System.nanoTime();
    }

    /**
     * On the hub's tick: the next frame of pending deltas (true when one went out), unless one is still being written (then the client stays
     * due and sends on a later tick). {@code frames} holds this tick's frames by their deltas' sequence numbers, so
     * clients with the same pending deltas send the same string, encoded once.
     */
    boolean flush(Map<SeqList, String> frames) {
        String frame;
        int count;
        synchronized (this) {
            if (closed || pending.isEmpty()) {
                return false;
            }
            if (inFlight) {
                hub.dirty(this);
                return false;
            }
            int max = hub.maxBatch();
            var items = new java.util.ArrayList<Delta>(Math.min(max, pending.size()));
            Iterator<Delta> it = pending.values().iterator();
            while (it.hasNext() && items.size() < max) {
                items.add(it.next());
                it.remove();
            }
            frame = frames.computeIfAbsent(SeqList.of(items), k -> frame(items));
            count = items.size();
            inFlight = true;
            inFlightSince = System.nanoTime();
            if (!pending.isEmpty()) {
                hub.dirty(this);
            }
        }
        send(frame, count);
        return true;
    }

    private void send(String frame, int deltas) {
        // a frame still in flight when the hub stopped completes (or fails, as the server closes) after the container
        // is gone: its callbacks then touch none of the hub's beans
        connection.sendText(frame).subscribe().with(ok -> {
            synchronized (this) {
                inFlight = false;
            }
            if (!hub.stopped()) {
                hub.metrics().sent(deltas);
            }
        }, failure -> {
            if (!hub.stopped()) {
                hub.drop(this);
            }
        });
    }

    /** The sequence numbers of a frame's deltas: equal lists make the same frame. */
    record SeqList(long[] seqs) {
        static SeqList of(List<Delta> items) {
            long[] seqs = new long[items.size()];
            for (int i = 0; i < seqs.length; i++) {
                seqs[i] = items.get(i).seq();
            }
            return new SeqList(seqs);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SeqList other && java.util.Arrays.equals(seqs, other.seqs);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(seqs);
        }

        @Override
        public String toString() {
            return java.util.Arrays.toString(seqs);
        }
    }

    static String frame(List<Delta> items) {
        StringBuilder b = new StringBuilder(64 + items.size() * 200).append("{\"type\":\"deltas\",\"items\":[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(items.get(i).json());
        }
        return b.append("]}").toString();
    }

    /** Called every second: a frame unwritten for longer than allowed closes the client. */
    void check(long now, long maxWaitNanos) {
        synchronized (this) {
            if (!closed && inFlight && now - inFlightSince > maxWaitNanos) {
                closeSlow("a frame waited more than " + (maxWaitNanos / 1_000_000_000L) + " s to be written");
            }
        }
    }

    /** When the frame being written was handed to the connection ({@link System#nanoTime()}), or -1 if none is. */
    synchronized long inFlightSince() {
        return inFlight && !closed ? inFlightSince : -1;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    private void closeSlow(String why) {
        closed = true;
        pending.clear();
        hub.metrics().closedSlow();
        hub.unregister(this);
        connection.close(new CloseReason(TOO_SLOW, "too far behind: " + why + "; reconnect and resume"))
                .subscribe().with(ok -> { }, e -> { });
    }

    synchronized void markClosed() {
        closed = true;
        pending.clear();
    }
}
