package dev.labfleet.gateway.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Runs tasks concurrently, at most {@code concurrency} at a time, never two at once that share a key. GNS3 handles
 * one request at a time per node: two links created on one switch at the same moment can fail or corrupt its port
 * state, so a batch keys each call by the nodes it touches. Tasks sharing a key run in list order; otherwise they
 * start in list order as soon as a slot is free. No barrier: one slow node only holds back the calls on that node.
 *
 * <p>Each key has a queue of its tasks; a task is ready when it heads the queue of every one of its keys. Linear in
 * the number of task keys (the ready set is a bit set scanned from its lowest index), so tens of thousands of tasks
 * schedule at once.
 */
final class KeyedScheduler<T, R> {

    private final List<T> tasks;
    private final Function<T, CompletionStage<R>> work;
    private final int concurrency;
    private final Object lock = new Object();
    /** Each task's key queues (one per distinct key). */
    private final ArrayDeque<Integer>[][] queuesOf;
    private final int[] heads;
    /** Tasks ready to start; none is below {@code lowestReady}. */
    private final BitSet ready;
    private int lowestReady;
    private final Object[] results;
    private int inFlight;
    private int finished;
    private boolean failed;
    /** The caller went away (its request was cancelled): no further task starts; those in flight end on their own. */
    private boolean cancelled;
    private boolean draining;
    private boolean again;
    private UniEmitter<? super List<R>> emitter;

    @SuppressWarnings("unchecked")
    private KeyedScheduler(List<T> tasks, Function<T, ? extends Collection<String>> keyOf,
                           Function<T, CompletionStage<R>> work, int concurrency) {
        this.tasks = List.copyOf(tasks);
        this.work = work;
        this.concurrency = Math.max(1, concurrency);
        this.results = new Object[tasks.size()];
        this.heads = new int[tasks.size()];
        this.ready = new BitSet(tasks.size());
        this.queuesOf = new ArrayDeque[tasks.size()][];
        Map<String, ArrayDeque<Integer>> queues = new HashMap<>();
        List<ArrayDeque<Integer>> mine = new ArrayList<>(4);
        for (int i = 0; i < tasks.size(); i++) {
            mine.clear();
            for (String key : keyOf.apply(tasks.get(i))) {
                ArrayDeque<Integer> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>(2));
                if (mine.contains(queue)) {
                    continue; // the same key twice
                }
                mine.add(queue);
                if (queue.isEmpty()) {
                    heads[i]++;
                }
                queue.add(i);
            }
            queuesOf[i] = mine.toArray(new ArrayDeque[0]);
            if (heads[i] == queuesOf[i].length) {
                ready.set(i);
            }
        }
    }

    /**
     * @param work should not fail: map failures to a result (a failure ends the whole run, as a failure); a
     *             {@link CompletionStage} rather than a Uni, so thousands of tasks cost no Mutiny operator each
     * @return the results, in the order of {@code tasks}
     */
    static <T, R> Uni<List<R>> run(List<T> tasks, Function<T, ? extends Collection<String>> keys,
                                   Function<T, CompletionStage<R>> work, int concurrency) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().emitter(emitter -> {
            KeyedScheduler<T, R> scheduler = new KeyedScheduler<>(tasks, keys, work, concurrency);
            scheduler.emitter = emitter;
            emitter.onTermination(scheduler::cancel);
            scheduler.dispatch();
        });
    }

    /**
     * Starts what may start. Re-entrant calls (a task that completes at once, or on another thread) only ask the
     * draining call to look again, so the stack stays flat however many tasks complete synchronously.
     */
    private void dispatch() {
        synchronized (lock) {
            if (draining) {
                again = true;
                return;
            }
            draining = true;
        }
        while (true) {
            List<Integer> start = new ArrayList<>();
            synchronized (lock) {
                while (!failed && !cancelled && inFlight < concurrency) {
                    int next = ready.nextSetBit(lowestReady);
                    if (next < 0) {
                        break;
                    }
                    ready.clear(next);
                    lowestReady = next + 1;
                    start.add(next);
                    inFlight++;
                }
            }
            for (int index : start) {
                CompletionStage<R> call;
                try {
                    call = work.apply(tasks.get(index));
                } catch (RuntimeException e) {
                    call = CompletableFuture.failedFuture(e);
                }
                call.whenComplete((result, failure) -> done(index, result, failure));
            }
            synchronized (lock) {
                if (!again) {
                    draining = false;
                    return;
                }
                again = false;
            }
        }
    }

    /** Called when the run ends for any reason; it only matters when the subscriber cancelled. */
    private void cancel() {
        synchronized (lock) {
            cancelled = true;
        }
    }

    @SuppressWarnings("unchecked")
    private void done(int index, R result, Throwable failure) {
        boolean complete;
        synchronized (lock) {
            inFlight--;
            results[index] = result;
            finished++;
            complete = finished == tasks.size();
            for (ArrayDeque<Integer> queue : queuesOf[index]) {
                queue.poll();
                Integer next = queue.peek();
                if (next != null && ++heads[next] == queuesOf[next].length) {
                    ready.set(next);
                    lowestReady = Math.min(lowestReady, next);
                }
            }
            if (failure != null) {
                failed = true;
            }
        }
        if (failure != null) {
            emitter.fail(failure);
        } else if (complete) {
            emitter.complete((List<R>) Arrays.asList(results));
        } else {
            dispatch();
        }
    }
}
