package dev.labfleet.gateway.service;

import dev.labfleet.gateway.domain.ServerStatus;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Chooses a server for a lab; pure, so every rule is unit-tested. A server is eligible when it is enabled, not
 * draining, not DOWN,
 * its breaker is not open, it carries every required label, it is not to be avoided and its memory is below 95 %.
 * Least-loaded scores {@code (max(cpu%, memory%) + nodeWeight * (running nodes + lab nodes)) / capacity weight},
 * lower is better, ties broken by name then id; round-robin takes eligible servers by name in turn; pinned takes the
 * named server if it is eligible.
 */
public final class PlacementScorer {

    public static final String LEAST_LOADED = "least-loaded";
    public static final String ROUND_ROBIN = "round-robin";
    public static final String PINNED = "pinned";
    /** Assumed load of a server whose load is not known (never polled): neither favoured nor excluded. */
    static final double UNKNOWN_LOAD = 50.0;
    static final double MEMORY_LIMIT = 95.0;

    private PlacementScorer() {
    }

    /** What placement knows of one server. Load figures are null when unknown. */
    public record Candidate(UUID serverId, String name, boolean enabled, ServerStatus status, boolean breakerOpen,
                            Map<String, String> labels, double capacityWeight, Double cpuPercent,
                            Double memoryPercent, Integer runningNodes, boolean draining) {

        public Candidate(UUID serverId, String name, boolean enabled, ServerStatus status, boolean breakerOpen,
                         Map<String, String> labels, double capacityWeight, Double cpuPercent, Double memoryPercent,
                         Integer runningNodes) {
            this(serverId, name, enabled, status, breakerOpen, labels, capacityWeight, cpuPercent, memoryPercent,
                    runningNodes, false);
        }
    }

    /** The outcome: the chosen server (empty when none is eligible) and the full placement. */
    public record Outcome(Optional<UUID> chosen, Placement placement) {
    }

    public static Outcome place(List<Candidate> servers, PlacementNeeds request, String strategy,
                                long roundRobinTicket, double nodeWeight) {
        int labNodes = request.nodeCount() == null ? 0 : request.nodeCount();
        List<Placement.Considered> rejected = new ArrayList<>();
        List<Scored> eligible = new ArrayList<>();
        for (Candidate c : servers) {
            String why = ineligible(c, request);
            if (why != null) {
                rejected.add(new Placement.Considered(c.serverId(), c.name(), null, List.of(why)));
            } else {
                eligible.add(score(c, labNodes, nodeWeight));
            }
        }
        Comparator<Scored> byScore = Comparator.comparingDouble(Scored::score)
                .thenComparing(s -> s.candidate().name()).thenComparing(s -> s.candidate().serverId());
        eligible.sort(byScore);
        if (eligible.isEmpty()) {
            return new Outcome(Optional.empty(), new Placement(null, null, strategy, null,
                    List.of("no eligible server"), List.of(), rejected));
        }
        Scored chosen;
        List<String> reasons = new ArrayList<>();
        switch (strategy) {
            case ROUND_ROBIN -> {
                List<Scored> byName = new ArrayList<>(eligible);
                byName.sort(Comparator.comparing((Scored s) -> s.candidate().name())
                        .thenComparing(s -> s.candidate().serverId()));
                int index = (int) Math.floorMod(roundRobinTicket, (long) byName.size());
                chosen = byName.get(index);
                reasons.add("round-robin: turn " + (index + 1) + " of " + byName.size() + " eligible servers");
            }
            case PINNED -> {
                UUID pinned = request.serverId();
                Optional<Scored> match = eligible.stream().filter(s -> s.candidate().serverId().equals(pinned)).findFirst();
                if (match.isEmpty()) {
                    String why = rejected.stream().filter(r -> r.serverId().equals(pinned)).findFirst()
                            .map(r -> r.reasons().get(0)).orElse("not registered");
                    return new Outcome(Optional.empty(), new Placement(null, null, strategy, null,
                            List.of("pinned server " + pinned + " is not eligible: " + why), List.of(), rejected));
                }
                chosen = match.get();
                reasons.add("pinned: the requested server");
            }
            default -> {
                chosen = eligible.get(0);
                reasons.add("least-loaded: lowest score of " + eligible.size() + " eligible server(s)");
            }
        }
        reasons.addAll(chosen.reasons());
        List<Placement.Considered> runnersUp = new ArrayList<>();
        for (Scored s : eligible) {
            if (s != chosen) {
                runnersUp.add(new Placement.Considered(s.candidate().serverId(), s.candidate().name(), s.score(),
                        s.reasons()));
            }
        }
        Candidate c = chosen.candidate();
        return new Outcome(Optional.of(c.serverId()), new Placement(c.serverId(), c.name(), strategy,
                chosen.score(), reasons, runnersUp, rejected));
    }

    static String ineligible(Candidate c, PlacementNeeds request) {
        if (!c.enabled()) {
            return "disabled";
        }
        if (c.draining()) {
            return "draining";
        }
        if (request.avoidServers() != null && request.avoidServers().contains(c.serverId())) {
            return "to be avoided";
        }
        if (c.status() == ServerStatus.DOWN) {
            return "health DOWN";
        }
        if (c.breakerOpen()) {
            return "circuit breaker open";
        }
        if (request.requiredLabels() != null) {
            for (Map.Entry<String, String> label : request.requiredLabels().entrySet()) {
                String value = c.labels() == null ? null : c.labels().get(label.getKey());
                if (!label.getValue().equals(value)) {
                    return "label " + label.getKey() + "=" + label.getValue() + " missing"
                            + (value == null ? "" : " (has " + value + ")");
                }
            }
        }
        if (c.memoryPercent() != null && c.memoryPercent() >= MEMORY_LIMIT) {
            return String.format(Locale.ROOT, "memory %.0f%% used", c.memoryPercent());
        }
        return null;
    }

    static Scored score(Candidate c, int labNodes, double nodeWeight) {
        boolean known = c.cpuPercent() != null || c.memoryPercent() != null;
        double usage = known ? Math.max(nz(c.cpuPercent()), nz(c.memoryPercent())) : UNKNOWN_LOAD;
        int running = c.runningNodes() == null ? 0 : c.runningNodes();
        double weight = c.capacityWeight() <= 0 ? 1.0 : c.capacityWeight();
        double score = Math.round((usage + nodeWeight * (running + labNodes)) / weight * 100.0) / 100.0;
        List<String> reasons = new ArrayList<>();
        reasons.add(String.format(Locale.ROOT, "score %.2f = (%s + %.2f x (%d running + %d lab nodes)) / weight %.2f",
                score, known ? String.format(Locale.ROOT, "load %.1f%%", usage) : "load unknown, assumed 50%",
                nodeWeight, running, labNodes, weight));
        reasons.add("health " + c.status() + ", breaker closed");
        return new Scored(c, score, reasons);
    }

    private static double nz(Double value) {
        return value == null ? 0 : value;
    }

    record Scored(Candidate candidate, double score, List<String> reasons) {
    }
}
