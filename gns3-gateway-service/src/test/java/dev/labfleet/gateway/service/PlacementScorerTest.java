package dev.labfleet.gateway.service;

import dev.labfleet.gateway.domain.ServerStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PlacementScorerTest {

    static final UUID A = UUID.fromString("00000000-0000-4000-8000-00000000000a");
    static final UUID B = UUID.fromString("00000000-0000-4000-8000-00000000000b");
    static final UUID C = UUID.fromString("00000000-0000-4000-8000-00000000000c");

    static PlacementScorer.Candidate server(UUID id, String name, double cpu, double mem, int running, double weight) {
        return new PlacementScorer.Candidate(id, name, true, ServerStatus.UP, false, Map.of("site", "paris"), weight,
                cpu, mem, running);
    }

    static PlacementNeeds needs(int nodes) {
        return new PlacementNeeds(nodes, 0L, null, null, null, null);
    }

    @Test
    void leastLoadedPicksTheLowestWeightedScoreAndListsRunnersUp() {
        var outcome = PlacementScorer.place(List.of(
                server(A, "a", 60, 10, 0, 1.0),   // 60
                server(B, "b", 40, 20, 10, 1.0),  // 40 + 5 = 45
                server(C, "c", 80, 10, 0, 2.0)),  // 80 / 2 = 40
                needs(0), PlacementScorer.LEAST_LOADED, 0, 0.5);
        assertThat(outcome.chosen()).contains(C);
        assertThat(outcome.placement().score()).isEqualTo(40.0);
        assertThat(outcome.placement().runnersUp()).extracting(r -> r.serverId()).containsExactly(B, A);
        assertThat(outcome.placement().reasons()).anyMatch(r -> r.contains("weight 2.00"));
    }

    @Test
    void labNodesCountAndTiesBreakByName() {
        var outcome = PlacementScorer.place(List.of(server(B, "b", 10, 10, 0, 1.0), server(A, "a", 10, 10, 0, 1.0)),
                needs(4), PlacementScorer.LEAST_LOADED, 0, 0.5);
        assertThat(outcome.chosen()).contains(A);
        assertThat(outcome.placement().score()).isEqualTo(12.0);
    }

    @Test
    void ineligibleServersAreRejectedWithTheReason() {
        var disabled = new PlacementScorer.Candidate(A, "a", false, ServerStatus.UP, false, Map.of(), 1, 0.0, 0.0, 0);
        var down = new PlacementScorer.Candidate(B, "b", true, ServerStatus.DOWN, false, Map.of(), 1, 0.0, 0.0, 0);
        var open = new PlacementScorer.Candidate(C, "c", true, ServerStatus.UP, true, Map.of(), 1, 0.0, 0.0, 0);
        var full = new PlacementScorer.Candidate(UUID.randomUUID(), "d", true, ServerStatus.UP, false,
                Map.of("site", "paris"), 1, 5.0, 97.0, 0);
        var wrongSite = new PlacementScorer.Candidate(UUID.randomUUID(), "e", true, ServerStatus.UP, false,
                Map.of("site", "lyon"), 1, 0.0, 0.0, 0);
        var outcome = PlacementScorer.place(List.of(disabled, down, open, full, wrongSite),
                new PlacementNeeds(1, 0L, Map.of("site", "paris"), null, null, null), PlacementScorer.LEAST_LOADED, 0, 0.5);
        assertThat(outcome.chosen()).isEmpty();
        assertThat(outcome.placement().rejected()).extracting(r -> r.reasons().get(0)).containsExactly(
                "disabled", "health DOWN", "circuit breaker open", "memory 97% used",
                "label site=paris missing (has lyon)");
    }

    @Test
    void drainingServersAreSkippedByEveryStrategy() {
        var draining = new PlacementScorer.Candidate(A, "a", true, ServerStatus.UP, false, Map.of(), 1, 0.0, 0.0, 0,
                true);
        var busy = server(B, "b", 80, 80, 0, 1);
        for (String strategy : List.of(PlacementScorer.LEAST_LOADED, PlacementScorer.ROUND_ROBIN)) {
            for (long ticket = 0; ticket < 3; ticket++) {
                var outcome = PlacementScorer.place(List.of(draining, busy), new PlacementNeeds(0, 0L, null, null,
                        null, null), strategy, ticket, 0.5);
                assertThat(outcome.chosen()).as(strategy).contains(B);
                assertThat(outcome.placement().rejected()).extracting(r -> r.reasons().get(0)).containsExactly("draining");
            }
        }
        var pinned = PlacementScorer.place(List.of(draining, busy), new PlacementNeeds(0, 0L, null, null,
                PlacementScorer.PINNED, A), PlacementScorer.PINNED, 0, 0.5);
        assertThat(pinned.chosen()).isEmpty();
        assertThat(pinned.placement().reasons().get(0)).endsWith("is not eligible: draining");
    }

    @Test
    void avoidedServersAreSkipped() {
        var outcome = PlacementScorer.place(List.of(server(A, "a", 0, 0, 0, 1), server(B, "b", 50, 50, 0, 1)),
                new PlacementNeeds(0, 0L, null, List.of(A), null, null), PlacementScorer.LEAST_LOADED, 0, 0.5);
        assertThat(outcome.chosen()).contains(B);
    }

    @Test
    void roundRobinTakesEligibleServersByNameInTurn() {
        var servers = List.of(server(C, "c", 0, 0, 0, 1), server(A, "a", 90, 0, 0, 1), server(B, "b", 0, 0, 0, 1));
        assertThat(PlacementScorer.place(servers, needs(0), PlacementScorer.ROUND_ROBIN, 0, 0.5).chosen()).contains(A);
        assertThat(PlacementScorer.place(servers, needs(0), PlacementScorer.ROUND_ROBIN, 1, 0.5).chosen()).contains(B);
        assertThat(PlacementScorer.place(servers, needs(0), PlacementScorer.ROUND_ROBIN, 5, 0.5).chosen()).contains(C);
    }

    @Test
    void pinnedTakesTheNamedServerOnlyWhenEligible() {
        var servers = List.of(server(A, "a", 0, 0, 0, 1),
                new PlacementScorer.Candidate(B, "b", true, ServerStatus.DOWN, false, Map.of(), 1, 0.0, 0.0, 0));
        assertThat(PlacementScorer.place(servers, new PlacementNeeds(0, 0L, null, null, "pinned", A),
                PlacementScorer.PINNED, 0, 0.5).chosen()).contains(A);
        var refused = PlacementScorer.place(servers, new PlacementNeeds(0, 0L, null, null, "pinned", B),
                PlacementScorer.PINNED, 0, 0.5);
        assertThat(refused.chosen()).isEmpty();
        assertThat(refused.placement().reasons().get(0)).contains("health DOWN");
    }

    @Test
    void unknownLoadIsAssumedMiddling() {
        var unknown = new PlacementScorer.Candidate(A, "a", true, ServerStatus.UNKNOWN, false, Map.of(), 1, null, null, null);
        var outcome = PlacementScorer.place(List.of(unknown, server(B, "b", 60, 0, 0, 1)), needs(0),
                PlacementScorer.LEAST_LOADED, 0, 0.5);
        assertThat(outcome.chosen()).contains(A);
        assertThat(outcome.placement().score()).isEqualTo(50.0);
    }
}
