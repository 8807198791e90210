package dev.labfleet.gateway.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs tasks concurrently, at most {@code concurrency} at a time, never two at once that share a key. GNS3 handles
 * one request at a time per node: two links created on one switch at the same moment can fail or corrupt its port
 * state, so a batch keys each call by the nodes it touches. Tasks sharing a key run in list order; otherwise they
 * start in list order as soon as a slot is free. No barrier: one slow node only holds back the calls on that node.
 *
 * <p>Each key has a queue of its tasks; a task is ready when it heads the queue of every one of its keys. Linear in
 * the number of task keys (with a log factor for the ready heap), so tens of thousands of tasks schedule at once.
 */
final class KeyedScheduler<T, R> {

    private final List<T> tasks;
    private final Function<T, Uni<R>> work;
    private final int concurrency;
    private final Object lock = new Object();
    private final List<Set<String>> keys;
    private final Map<String, ArrayDeque<Integer>> queues = new HashMap<>();
    private final int[] heads;
    private final PriorityQueue<Integer> ready = new PriorityQueue<>();
    private final Object[] results;
    private int inFlight;
    private int finished;
    private boolean failed;
    private boolean draining;
    private boolean again;
    private UniEmitter<? super List<R>> emitter;

    private KeyedScheduler(List<T> tasks, Function<T, Set<String>> keyOf, Function<T, Uni<R>> work, int concurrency) {
        this.tasks = List.copyOf(tasks);
        this.work = work;
        this.concurrency = Math.max(1, concurrency);
        this.results = new Object[tasks.size()];
        this.heads = new int[tasks.size()];
        this.keys = new ArrayList<>(tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            Set<String> taskKeys = Set.copyOf(keyOf.apply(tasks.get(i)));
            keys.add(taskKeys);
            for (String key : taskKeys) {
                ArrayDeque<Integer> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
                if (queue.isEmpty()) {
                    heads[i]++;
                }
                queue.add(i);
            }
            if (heads[i] == taskKeys.size()) {
                ready.add(i);
            }
        }
    }

    /**
     * @param work should not fail: map failures to a result (a failure ends the whole run, as a failure)
     * @return the results, in the order of {@code tasks}
     */
    static <T, R> Uni<List<R>> run(List<T> tasks, Function<T, Set<String>> keys, Function<T, Uni<R>> work,
                                   int concurrency) {
        if (tasks.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return Uni.createFrom().emitter(emitter -> {
            KeyedScheduler<T, R> scheduler = new KeyedScheduler<>(tasks, keys, work, concurrency);
            scheduler.emitter = emitter;
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
                while (!failed && inFlight < concurrency && !ready.isEmpty()) {
                    start.add(ready.poll());
                    inFlight++;
                }
            }
            for (int index : start) {
                Uni<R> call;
                try {
                    call = work.apply(tasks.get(index));
                } catch (RuntimeException e) {
                    call = Uni.createFrom().failure(e);
                }
                call.subscribe().with(result -> done(index, result, null), failure -> done(index, null, failure));
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

    @SuppressWarnings("unchecked")
    private void done(int index, R result, Throwable failure) {
        boolean complete;
        synchronized (lock) {
            inFlight--;
            results[index] = result;
            finished++;
            complete = finished == tasks.size();
            for (String key : keys.get(index)) {
                ArrayDeque<Integer> queue = queues.get(key);
                queue.poll();
                Integer next = queue.peek();
                if (next != null && ++heads[next] == keys.get(next).size()) {
                    ready.add(next);
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
