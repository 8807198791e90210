package dev.labfleet.project.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Starts or stops a lab's nodes the way a large lab needs: in batches ordered by priority, with a pause between
 * batches, a result per node, and no stop at the first error unless asked. GNS3's own bulk start runs three at a
 * time and gives up at the first failure; this does not.
 */
public final class StaggeredRun {

    /** The label that orders nodes: lower starts first; nodes without it go last, by name. */
    public static final String PRIORITY_LABEL = "priority";

    private StaggeredRun() {
    }

    /** A node to act on. */
    public record Target(String nodeId, String name, Map<String, String> labels) {
        int priority() {
            String value = labels == null ? null : labels.get(PRIORITY_LABEL);
            if (value == null) {
                return Integer.MAX_VALUE;
            }
            try {
                return Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                return Integer.MAX_VALUE;
            }
        }
    }

    /** How to pace the run. */
    public record Options(int batchSize, Duration delayBetweenBatches, boolean stopOnFirstError) {
        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1");
            }
            if (delayBetweenBatches == null || delayBetweenBatches.isNegative()) {
                delayBetweenBatches = Duration.ZERO;
            }
        }
    }

    public enum Outcome { DONE, FAILED, SKIPPED }

    /** What happened to one node. {@code reason} is GNS3's message for a failure, or why it was skipped. */
    public record NodeResult(String nodeId, String name, int batch, Outcome outcome, String reason) {
    }

    /** The batches in the order they run. */
    public static List<List<Target>> batches(List<Target> targets, int batchSize) {
        List<Target> ordered = new ArrayList<>(targets);
        ordered.sort(Comparator.comparingInt(Target::priority).thenComparing(Target::name).thenComparing(Target::nodeId));
        List<List<Target>> batches = new ArrayList<>();
        for (int i = 0; i < ordered.size(); i += batchSize) {
            batches.add(List.copyOf(ordered.subList(i, Math.min(i + batchSize, ordered.size()))));
        }
        return batches;
    }

    /**
     * Runs {@code action} on every target, a batch at a time (the nodes of one batch concurrently), and emits each
     * node's result as soon as it is known; {@code onResult} sees them too (to record progress). The returned list
     * holds every node's result, in batch order.
     */
    public static Uni<List<NodeResult>> run(List<Target> targets, Options options,
                                            Function<Target, Uni<Void>> action, Consumer<NodeResult> onResult) {
        return run(targets, options, action, onResult, batch -> Uni.createFrom().voidItem());
    }

    /**
     * As {@link #run(List, Options, Function, Consumer)}, and {@code afterBatch} runs after each batch, one at a time
     * and before the next batch starts (to record progress with a single database session).
     */
    public static Uni<List<NodeResult>> run(List<Target> targets, Options options, Function<Target, Uni<Void>> action,
                                            Consumer<NodeResult> onResult,
                                            Function<List<NodeResult>, Uni<Void>> afterBatch) {
        List<List<Target>> batches = batches(targets, options.batchSize());
        AtomicBoolean halted = new AtomicBoolean();
        return Multi.createFrom().range(0, batches.size())
                .onItem().transformToUniAndConcatenate(index -> {
                    Uni<List<NodeResult>> batch = runBatch(index, batches.get(index), action, halted, options, onResult)
                            .call(afterBatch::apply);
                    boolean pause = index > 0 && !options.delayBetweenBatches().isZero() && !halted.get();
                    return pause ? Uni.createFrom().voidItem().onItem().delayIt().by(options.delayBetweenBatches())
                            .chain(() -> batch) : batch;
                })
                .collect().in(ArrayList<NodeResult>::new, List::addAll)
                .map(List::copyOf);
    }

    /**
     * A run that can resume: targets in {@code alreadyDone} (node ids) get no action and no result (their batches
     * keep their numbers), and each node's result goes to {@code record} as soon as it is known.
     * <p>
     * Without a delay between batches, {@code batchSize} is a sliding window: at most that many nodes are under way,
     * and the next node (in priority order) is sent as soon as one of them has its result recorded, so a slow node
     * holds back only its own slot, not the nine nodes after it (#17 item 7: waiting for each batch's slowest node
     * made a 50-node start up to twice as slow as GNS3's own bulk start). Priorities stay a barrier: a node is sent
     * only once every node of a lower priority value has its result. A node's {@code batch} still numbers the group
     * of {@code batchSize} it falls in, in order. With {@code stopOnFirstError}, nodes not yet sent when a node fails
     * are skipped; those under way finish.
     * <p>
     * With a delay, the run goes in waves, as asked: a batch, once every result of it is recorded, the pause, then
     * the next batch.
     */
    public static Uni<List<NodeResult>> run(List<Target> targets, Options options, java.util.Set<String> alreadyDone,
                                            Function<Target, Uni<Void>> action,
                                            Function<NodeResult, Uni<Void>> record) {
        if (options.delayBetweenBatches().isZero()) {
            return window(targets, options, alreadyDone, action, record);
        }
        List<List<Target>> batches = batches(targets, options.batchSize());
        AtomicBoolean halted = new AtomicBoolean();
        AtomicBoolean acted = new AtomicBoolean();
        return Multi.createFrom().range(0, batches.size())
                .onItem().transformToUniAndConcatenate(index -> {
                    List<Target> remaining = batches.get(index).stream()
                            .filter(t -> !alreadyDone.contains(t.nodeId())).toList();
                    if (remaining.isEmpty()) {
                        return Uni.createFrom().item(List.<NodeResult>of());
                    }
                    Uni<List<NodeResult>> batch = Uni.createFrom().deferred(() -> runBatch(index, remaining,
                            t -> Uni.createFrom().deferred(() -> action.apply(t)), halted, options, r -> { },
                            record));
                    boolean pause = acted.getAndSet(true) && !options.delayBetweenBatches().isZero() && !halted.get();
                    return pause ? Uni.createFrom().voidItem().onItem().delayIt().by(options.delayBetweenBatches())
                            .chain(() -> batch) : batch;
                })
                .collect().in(ArrayList<NodeResult>::new, List::addAll)
                .map(List::copyOf);
    }

    /** The sliding window: see {@link #run(List, Options, java.util.Set, Function, Function)}. */
    private static Uni<List<NodeResult>> window(List<Target> targets, Options options, java.util.Set<String> alreadyDone,
                                                Function<Target, Uni<Void>> action,
                                                Function<NodeResult, Uni<Void>> record) {
        List<List<Target>> batches = batches(targets, options.batchSize());
        // the nodes in order with their batch numbers, cut into runs of one priority each
        List<List<Map.Entry<Target, Integer>>> levels = new ArrayList<>();
        Integer level = null;
        for (int b = 0; b < batches.size(); b++) {
            for (Target t : batches.get(b)) {
                if (level == null || t.priority() != level) {
                    levels.add(new ArrayList<>());
                    level = t.priority();
                }
                if (!alreadyDone.contains(t.nodeId())) {
                    levels.get(levels.size() - 1).add(Map.entry(t, b));
                }
            }
        }
        AtomicBoolean halted = new AtomicBoolean();
        return Multi.createFrom().iterable(levels)
                .onItem().transformToUniAndConcatenate(nodes -> Multi.createFrom().iterable(nodes)
                        .onItem().transformToUni(entry -> one(entry.getKey(), entry.getValue(), action, halted,
                                options, record))
                        .merge(options.batchSize())
                        .collect().asList())
                .collect().in(ArrayList<NodeResult>::new, List::addAll)
                .map(results -> {
                    // every result in batch order, whatever order they finished in
                    List<NodeResult> ordered = new ArrayList<>(results);
                    Map<String, Integer> position = new java.util.HashMap<>();
                    batches.stream().flatMap(List::stream).forEach(t -> position.put(t.nodeId(), position.size()));
                    ordered.sort(Comparator.comparingInt(r -> position.get(r.nodeId())));
                    return List.copyOf(ordered);
                });
    }

    /** One node of a window: skipped once the run halted, else its action; its result recorded before its slot frees. */
    private static Uni<NodeResult> one(Target t, int batch, Function<Target, Uni<Void>> action, AtomicBoolean halted,
                                       Options options, Function<NodeResult, Uni<Void>> record) {
        return Uni.createFrom().deferred(() -> halted.get()
                ? Uni.createFrom().item(new NodeResult(t.nodeId(), t.name(), batch, Outcome.SKIPPED,
                        "not attempted: an earlier node failed and stopOnFirstError is set"))
                : Uni.createFrom().deferred(() -> action.apply(t))
                        .map(ignored -> new NodeResult(t.nodeId(), t.name(), batch, Outcome.DONE, null))
                        .onFailure().recoverWithItem(e -> {
                            if (options.stopOnFirstError()) {
                                halted.set(true);
                            }
                            return new NodeResult(t.nodeId(), t.name(), batch, Outcome.FAILED, reason(e));
                        }))
                .call(record::apply);
    }

    private static Uni<List<NodeResult>> runBatch(int index, List<Target> batch, Function<Target, Uni<Void>> action,
                                                  AtomicBoolean halted, Options options,
                                                  Consumer<NodeResult> onResult) {
        return runBatch(index, batch, action, halted, options, onResult, r -> Uni.createFrom().voidItem());
    }

    private static Uni<List<NodeResult>> runBatch(int index, List<Target> batch, Function<Target, Uni<Void>> action,
                                                  AtomicBoolean halted, Options options,
                                                  Consumer<NodeResult> onResult,
                                                  Function<NodeResult, Uni<Void>> record) {
        if (halted.get()) {
            List<NodeResult> skipped = batch.stream()
                    .map(t -> new NodeResult(t.nodeId(), t.name(), index, Outcome.SKIPPED,
                            "not attempted: an earlier node failed and stopOnFirstError is set"))
                    .toList();
            skipped.forEach(onResult);
            return Multi.createFrom().iterable(skipped).onItem().transformToUniAndConcatenate(record::apply)
                    .collect().last().replaceWith(skipped);
        }
        List<Uni<NodeResult>> unis = batch.stream()
                .map(t -> Uni.createFrom().deferred(() -> action.apply(t))
                        .map(ignored -> new NodeResult(t.nodeId(), t.name(), index, Outcome.DONE, null))
                        .onFailure().recoverWithItem(e -> {
                            if (options.stopOnFirstError()) {
                                halted.set(true);
                            }
                            return new NodeResult(t.nodeId(), t.name(), index, Outcome.FAILED, reason(e));
                        })
                        .invoke(onResult)
                        .call(record::apply))
                .toList();
        return Uni.join().all(unis).andFailFast();
    }

    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? "failed without a reason given" : message;
    }
}
