package dev.labfleet.gateway.service;

import dev.labfleet.gateway.domain.ServerStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class HealthRulesTest {

    static final Duration SLOW = Duration.ofSeconds(2);

    @Test
    void quickAnswersAreUpSlowOnesDegraded() {
        assertThat(HealthRules.next(true, Duration.ofMillis(20), 5, 3, SLOW)).isEqualTo(ServerStatus.UP);
        assertThat(HealthRules.next(true, Duration.ofMillis(2500), 0, 3, SLOW)).isEqualTo(ServerStatus.DEGRADED);
    }

    @Test
    void failuresDegradeThenDown() {
        assertThat(HealthRules.next(false, Duration.ZERO, 0, 3, SLOW)).isEqualTo(ServerStatus.DEGRADED);
        assertThat(HealthRules.next(false, Duration.ZERO, 1, 3, SLOW)).isEqualTo(ServerStatus.DEGRADED);
        assertThat(HealthRules.next(false, Duration.ZERO, 2, 3, SLOW)).isEqualTo(ServerStatus.DOWN);
    }
}
