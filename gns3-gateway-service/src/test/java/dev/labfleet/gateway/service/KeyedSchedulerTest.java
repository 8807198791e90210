package dev.labfleet.gateway.service;

import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyedSchedulerTest {

    /** A cancelled run (its caller went away) starts no further task; those in flight end on their own. */
    @Test
    void aCancelledRunStartsNoFurtherTask() {
        List<java.util.concurrent.CompletableFuture<Integer>> pending = new java.util.concurrent.CopyOnWriteArrayList<>();
        io.smallrye.mutiny.subscription.Cancellable run = KeyedScheduler.run(IntStream.range(0, 10).boxed().toList(),
                        i -> Set.of("n" + i), i -> {
                            java.util.concurrent.CompletableFuture<Integer> call = new java.util.concurrent.CompletableFuture<>();
                            pending.add(call);
                            return call;
                        }, 2)
                .subscribe().with(results -> { }, failure -> { });
        assertThat(pending).hasSize(2);

        run.cancel();
        pending.get(0).complete(0);
        pending.get(1).complete(1);

        assertThat(pending).as("tasks started after the cancel").hasSize(2);
    }

    /** Links on a few shared switches: at most 4 calls in flight, never two on one switch, results in order. */
    @Test
    void boundedConcurrencyNeverTwoCallsOnOneKeyAndResultsInOrder() {
        List<int[]> links = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            links.add(new int[]{i % 5, 5 + i % 7});
        }
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Set<String> busy = ConcurrentHashMap.newKeySet();
        List<String> clashes = new ArrayList<>();
        List<Integer> results = KeyedScheduler.run(links,
                l -> Set.of("n" + l[0], "n" + l[1]),
                l -> Uni.createFrom().item(() -> {
                    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    for (String key : List.of("n" + l[0], "n" + l[1])) {
                        if (!busy.add(key)) {
                            synchronized (clashes) {
                                clashes.add(key);
                            }
                        }
                    }
                    return l[0] * 100 + l[1];
                }).onItem().delayIt().by(Duration.ofMillis(3)).invoke(() -> {
                    busy.remove("n" + l[0]);
                    busy.remove("n" + l[1]);
                    inFlight.decrementAndGet();
                }).subscribeAsCompletionStage(), 4).await().atMost(Duration.ofSeconds(30));

        assertThat(clashes).isEmpty();
        assertThat(maxInFlight.get()).isBetween(2, 4);
        assertThat(results).containsExactlyElementsOf(links.stream().map(l -> l[0] * 100 + l[1]).toList());
    }

    @Test
    void manyTasksThatCompleteAtOnceDoNotGrowTheStack() {
        List<Integer> tasks = IntStream.range(0, 50_000).boxed().toList();
        List<Integer> results = KeyedScheduler.run(tasks, t -> Set.of("k" + (t % 3)), t -> java.util.concurrent.CompletableFuture.completedFuture(t), 8)
                .await().atMost(Duration.ofSeconds(30));
        assertThat(results).containsExactlyElementsOf(tasks);
    }

    @Test
    void aFailingTaskFailsTheRun() {
        assertThatThrownBy(() -> KeyedScheduler.run(List.of(1, 2, 3), t -> Set.of("k" + t),
                t -> t == 2 ? java.util.concurrent.CompletableFuture.<Integer>failedFuture(new IllegalStateException("boom"))
                        : java.util.concurrent.CompletableFuture.completedFuture(t), 2).await().atMost(Duration.ofSeconds(5)))
                .hasMessageContaining("boom");
    }
}
