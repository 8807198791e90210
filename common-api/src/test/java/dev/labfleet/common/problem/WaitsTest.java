package dev.labfleet.common.problem;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WaitsTest {

    private static final Duration MAX = Duration.ofMinutes(30);

    @Test
    void readsSecondsAndUnits() {
        assertThat(Waits.parse("wait", null, MAX)).isNull();
        assertThat(Waits.parse("wait", " ", MAX)).isNull();
        assertThat(Waits.parse("wait", "30", MAX)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Waits.parse("wait", "250ms", MAX)).isEqualTo(Duration.ofMillis(250));
        assertThat(Waits.parse("wait", "5m", MAX)).isEqualTo(Duration.ofMinutes(5));
        assertThat(Waits.parse("wait", "0", MAX)).isZero();
    }

    @Test
    void refusesWhatItCannotReadOrWhatIsTooLongNamingTheParameter() {
        for (String bad : new String[]{"-1", "5 minutes", "1.5s", "PT5M", "9999999"}) {
            assertThatThrownBy(() -> Waits.parse("wait", bad, MAX)).isInstanceOf(ProblemException.class)
                    .satisfies(e -> {
                        Problem p = ((ProblemException) e).problem();
                        assertThat(p.status()).isEqualTo(400);
                        assertThat(p.violations()).extracting(Problem.Violation::field).containsExactly("wait");
                    });
        }
        assertThatThrownBy(() -> Waits.parse("wait", "1h", MAX)).isInstanceOf(ProblemException.class)
                .hasMessageContaining("at most 1800s");
    }
}
