package dev.labfleet.project.service;

import dev.labfleet.project.service.StaggeredRun.NodeResult;
import dev.labfleet.project.service.StaggeredRun.Options;
import dev.labfleet.project.service.StaggeredRun.Outcome;
import dev.labfleet.project.service.StaggeredRun.Target;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class StaggeredRunTest {

    private static List<Target> nodes(int n) {
        return IntStream.rangeClosed(1, n)
                .mapToObj(i -> new Target("id-" + i, String.format("PC%02d", i), Map.of()))
                .toList();
    }

    @Test
    void batchesFollowPriorityThenName() {
        List<Target> targets = List.of(
                new Target("c", "leaf2", Map.of("priority", "2")),
                new Target("a", "spine1", Map.of("priority", "1")),
                new Target("d", "host1", Map.of()),
                new Target("b", "leaf1", Map.of("priority", "2")),
                new Target("e", "weird", Map.of("priority", "high")));

        List<List<Target>> batches = StaggeredRun.batches(targets, 2);

        assertThat(batches).extracting(b -> b.stream().map(Target::name).toList())
                .containsExactly(List.of("spine1", "leaf1"), List.of("leaf2", "host1"), List.of("weird"));
    }

    @Test
    void continuesPastFailuresAndReportsEveryNode() {
        List<NodeResult> seen = Collections.synchronizedList(new ArrayList<>());
        List<NodeResult> results = StaggeredRun.run(nodes(7), new Options(3, Duration.ZERO, false),
                t -> t.name().equals("PC02") || t.name().equals("PC06")
                        ? Uni.createFrom().failure(new IllegalStateException("VPCS executable version must be >= 0.6.1"))
                        : Uni.createFrom().voidItem(),
                seen::add).await().atMost(Duration.ofSeconds(5));

        assertThat(results).hasSize(7);
        assertThat(results).filteredOn(r -> r.outcome() == Outcome.FAILED).extracting(NodeResult::name)
                .containsExactly("PC02", "PC06");
        assertThat(results).filteredOn(r -> r.outcome() == Outcome.FAILED).extracting(NodeResult::reason)
                .containsOnly("VPCS executable version must be >= 0.6.1");
        assertThat(results).extracting(NodeResult::batch).containsExactly(0, 0, 0, 1, 1, 1, 2);
        assertThat(seen).hasSize(7);
    }

    @Test
    void stopOnFirstErrorSkipsLaterBatches() {
        List<NodeResult> results = StaggeredRun.run(nodes(6), new Options(2, Duration.ZERO, true),
                t -> t.name().equals("PC03") ? Uni.createFrom().failure(new RuntimeException("boom"))
                        : Uni.createFrom().voidItem(),
                r -> { }).await().atMost(Duration.ofSeconds(5));

        assertThat(results).extracting(NodeResult::outcome).containsExactly(
                Outcome.DONE, Outcome.DONE, Outcome.FAILED, Outcome.DONE, Outcome.SKIPPED, Outcome.SKIPPED);
    }

    @Test
    void aBatchRunsConcurrentlyAndTheNextWaitsForIt() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        Map<String, Integer> order = new ConcurrentHashMap<>();
        AtomicInteger counter = new AtomicInteger();
        StaggeredRun.run(nodes(9), new Options(3, Duration.ofMillis(20), false),
                t -> Uni.createFrom().voidItem()
                        .invoke(() -> maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max))
                        .onItem().delayIt().by(Duration.ofMillis(30))
                        .invoke(() -> {
                            order.put(t.name(), counter.incrementAndGet());
                            inFlight.decrementAndGet();
                        }),
                r -> { }).await().atMost(Duration.ofSeconds(5));

        assertThat(maxInFlight.get()).isEqualTo(3);
        assertThat(order.get("PC04")).isGreaterThan(order.get("PC03"));
        assertThat(order.get("PC07")).isGreaterThan(order.get("PC06"));
    }

    @Test
    void emptyLabIsAnEmptyReport() {
        assertThat(StaggeredRun.run(List.of(), new Options(5, Duration.ofSeconds(1), false),
                t -> Uni.createFrom().voidItem(), r -> { }).await().atMost(Duration.ofSeconds(1))).isEmpty();
    }
}
