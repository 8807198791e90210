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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

    /** Actions that finish only when the test says so, and what was sent. */
    private static final class Gate {
        final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
        final List<String> sent = Collections.synchronizedList(new ArrayList<>());
        final List<NodeResult> recorded = Collections.synchronizedList(new ArrayList<>());

        Uni<Void> act(Target t) {
            sent.add(t.name());
            return Uni.createFrom().completionStage(pending.computeIfAbsent(t.name(), n -> new CompletableFuture<>()));
        }

        Uni<Void> record(NodeResult r) {
            recorded.add(r);
            return Uni.createFrom().voidItem();
        }

        void finish(String name) {
            pending.computeIfAbsent(name, n -> new CompletableFuture<>()).complete(null);
        }

        void fail(String name, String why) {
            pending.computeIfAbsent(name, n -> new CompletableFuture<>()).completeExceptionally(new IllegalStateException(why));
        }

        Set<String> underWay() {
            Set<String> names = new java.util.TreeSet<>();
            pending.forEach((name, f) -> {
                if (!f.isDone()) {
                    names.add(name);
                }
            });
            return names;
        }
    }

    private static CompletableFuture<List<NodeResult>> start(List<Target> targets, Options options, Set<String> done,
                                                             Gate gate) {
        return StaggeredRun.run(targets, options, done, gate::act, gate::record).subscribeAsCompletionStage();
    }

    @Test
    void aSlowNodeHoldsBackOnlyItsOwnSlot() throws Exception {
        Gate gate = new Gate();
        CompletableFuture<List<NodeResult>> run = start(nodes(7), new Options(3, Duration.ZERO, false), Set.of(), gate);

        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC02", "PC03")));
        // PC01 is slow; the others of its batch finish, and the next nodes are sent at once, not after PC01
        gate.finish("PC02");
        gate.finish("PC03");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC04", "PC05")));
        gate.finish("PC04");
        gate.finish("PC05");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC06", "PC07")));
        gate.finish("PC06");
        gate.finish("PC07");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.recorded.size() == 6);
        assertThat(run).isNotDone();

        gate.finish("PC01");
        List<NodeResult> results = run.get(5, java.util.concurrent.TimeUnit.SECONDS);
        // a result per node, in batch order, each recorded once
        assertThat(results).extracting(NodeResult::name)
                .containsExactly("PC01", "PC02", "PC03", "PC04", "PC05", "PC06", "PC07");
        assertThat(results).extracting(NodeResult::batch).containsExactly(0, 0, 0, 1, 1, 1, 2);
        assertThat(results).extracting(NodeResult::outcome).containsOnly(Outcome.DONE);
        assertThat(gate.recorded).extracting(NodeResult::name).doesNotHaveDuplicates().hasSize(7);
        assertThat(gate.sent).doesNotHaveDuplicates().hasSize(7);
    }

    @Test
    void theWindowNeverHasMoreThanBatchSizeUnderWay() throws Exception {
        Gate gate = new Gate();
        CompletableFuture<List<NodeResult>> run = start(nodes(5), new Options(2, Duration.ZERO, false), Set.of(), gate);

        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC02")));
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> gate.sent.size() == 2);
        gate.fail("PC02", "VPCS executable version must be >= 0.6.1");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC03")));
        gate.finish("PC01");
        gate.finish("PC03");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC04", "PC05")));
        gate.finish("PC04");
        gate.finish("PC05");

        List<NodeResult> results = run.get(5, java.util.concurrent.TimeUnit.SECONDS);
        // a failure is that node's result and nothing more: the run goes on
        assertThat(results).extracting(NodeResult::outcome).containsExactly(
                Outcome.DONE, Outcome.FAILED, Outcome.DONE, Outcome.DONE, Outcome.DONE);
        assertThat(results.get(1).reason()).isEqualTo("VPCS executable version must be >= 0.6.1");
    }

    @Test
    void aLowerPriorityIsFinishedBeforeAHigherOneIsSent() throws Exception {
        Gate gate = new Gate();
        List<Target> targets = List.of(
                new Target("s1", "spine1", Map.of("priority", "1")),
                new Target("s2", "spine2", Map.of("priority", "1")),
                new Target("l1", "leaf1", Map.of("priority", "2")),
                new Target("h1", "host1", Map.of()));
        CompletableFuture<List<NodeResult>> run = start(targets, new Options(10, Duration.ZERO, false), Set.of(), gate);

        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("spine1", "spine2")));
        gate.finish("spine2");
        // room in the window, but spine1 (priority 1) is still starting: leaf1 (priority 2) waits for it
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> gate.sent.equals(List.of("spine1", "spine2")));
        gate.finish("spine1");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("leaf1")));
        gate.finish("leaf1");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("host1")));
        gate.finish("host1");
        assertThat(run.get(5, java.util.concurrent.TimeUnit.SECONDS)).extracting(NodeResult::name)
                .containsExactly("spine1", "spine2", "leaf1", "host1");
    }

    @Test
    void stopOnFirstErrorSkipsWhatWasNotYetSent() throws Exception {
        Gate gate = new Gate();
        CompletableFuture<List<NodeResult>> run = start(nodes(5), new Options(2, Duration.ZERO, true), Set.of(), gate);

        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC02")));
        gate.fail("PC01", "boom");
        // PC02 was under way and finishes; PC03 was sent when PC01's slot freed only if the run had not halted
        gate.finish("PC02");
        List<NodeResult> results = run.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(results).extracting(NodeResult::outcome).containsExactly(
                Outcome.FAILED, Outcome.DONE, Outcome.SKIPPED, Outcome.SKIPPED, Outcome.SKIPPED);
        assertThat(gate.sent).containsExactly("PC01", "PC02");
        assertThat(gate.recorded).hasSize(5);
    }

    @Test
    void aResumedRunLeavesNodesWithAResultAlone() throws Exception {
        Gate gate = new Gate();
        nodes(4).forEach(t -> gate.finish(t.name()));
        List<NodeResult> results = start(nodes(4), new Options(2, Duration.ZERO, false), Set.of("id-1", "id-3"), gate)
                .get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(gate.sent).containsExactlyInAnyOrder("PC02", "PC04");
        assertThat(results).extracting(NodeResult::name).containsExactly("PC02", "PC04");
        assertThat(results).extracting(NodeResult::batch).containsExactly(0, 1);
    }

    @Test
    void withADelayTheRunGoesInWaves() throws Exception {
        Gate gate = new Gate();
        CompletableFuture<List<NodeResult>> run = start(nodes(4), new Options(2, Duration.ofMillis(10), false),
                Set.of(), gate);

        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC01", "PC02")));
        gate.finish("PC02");
        // the pause is between waves: the next batch waits for the whole of this one
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> gate.sent.size() == 2);
        gate.finish("PC01");
        await().atMost(Duration.ofSeconds(5)).until(() -> gate.underWay().equals(Set.of("PC03", "PC04")));
        gate.finish("PC03");
        gate.finish("PC04");
        assertThat(run.get(5, java.util.concurrent.TimeUnit.SECONDS)).hasSize(4);
    }

    @Test
    void emptyLabIsAnEmptyReport() {
        assertThat(StaggeredRun.run(List.of(), new Options(5, Duration.ofSeconds(1), false),
                t -> Uni.createFrom().voidItem(), r -> { }).await().atMost(Duration.ofSeconds(1))).isEmpty();
    }
}
