package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.traffic.TrafficSampler.LabStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class AutoSwitcherRuleTest {

    static final UUID A = UUID.randomUUID();
    static final UUID B = UUID.randomUUID();
    static final Duration ACTIVE_FOR = Duration.ofSeconds(5);
    static final Duration IDLE_FOR = Duration.ofSeconds(30);
    static final Duration DWELL = Duration.ofSeconds(30);
    static final Instant T0 = Instant.parse("2026-12-05T00:00:00Z");

    static AutoSwitcher.Decision decide(int at, UUID active, Integer lastSwitch, List<AutoSwitcher.Selected> sel,
                                        Map<String, LabStatus> status) {
        return AutoSwitcher.decide(T0.plusSeconds(at), active, lastSwitch == null ? null : T0.plusSeconds(lastSwitch),
                sel, status, ACTIVE_FOR, IDLE_FOR, DWELL);
    }

    static LabStatus traffic(int since) {
        return new LabStatus(true, T0.plusSeconds(since), 10, 8000);
    }

    static LabStatus idle(int since) {
        return new LabStatus(false, T0.plusSeconds(since), 0, 0);
    }

    @Test
    void theFirstLabWithSteadyTrafficBecomesActive() {
        var sel = List.of(new AutoSwitcher.Selected(A, 0), new AutoSwitcher.Selected(B, 0));
        assertThat(decide(3, null, null, sel, Map.of(A.toString(), traffic(0)))).isNull(); // not steady yet
        var d = decide(5, null, null, sel, Map.of(A.toString(), traffic(0)));
        assertThat(d.to()).isEqualTo(A);
        assertThat(d.reason()).contains("no active lab");
    }

    @Test
    void anIdleActiveLabHandsOverOnlyAfterTheIdleTime() {
        var sel = List.of(new AutoSwitcher.Selected(A, 0), new AutoSwitcher.Selected(B, 0));
        var status = Map.of(A.toString(), idle(100), B.toString(), traffic(100));
        assertThat(decide(120, A, 50, sel, status)).isNull();
        var d = decide(130, A, 50, sel, status);
        assertThat(d.to()).isEqualTo(B);
        assertThat(d.reason()).contains("idle for 30 s");
        // a blip of traffic on B that is not steady: no switch
        assertThat(decide(130, A, 50, sel, Map.of(A.toString(), idle(100), B.toString(), traffic(128)))).isNull();
    }

    @Test
    void aBusierLabOfTheSamePriorityDoesNotTakeOverAnActiveLabWithTraffic() {
        var sel = List.of(new AutoSwitcher.Selected(A, 0), new AutoSwitcher.Selected(B, 0));
        var status = Map.of(A.toString(), new LabStatus(true, T0, 1, 800), B.toString(),
                new LabStatus(true, T0, 100, 80000));
        assertThat(decide(1000, A, 0, sel, status)).isNull();
    }

    @Test
    void aHigherPriorityLabTakesOverButNotWithinTheDwellTime() {
        var sel = List.of(new AutoSwitcher.Selected(A, 0), new AutoSwitcher.Selected(B, 5));
        var status = Map.of(A.toString(), traffic(0), B.toString(), traffic(100));
        assertThat(decide(110, A, 90, sel, status)).isNull(); // switched 20 s ago
        var d = decide(120, A, 90, sel, status);
        assertThat(d.to()).isEqualTo(B);
        assertThat(d.reason()).contains("priority 5");
    }
}
