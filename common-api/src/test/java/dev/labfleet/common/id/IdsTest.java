package dev.labfleet.common.id;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdsTest {

    @Test
    void stableIdsDependOnEveryPartAndItsPosition() {
        assertThat(Ids.stable("p1", "node", "R1")).isEqualTo(Ids.stable("p1", "node", "R1"));
        assertThat(Ids.stable("p1", "node", "R1")).isNotEqualTo(Ids.stable("p1", "node", "R2"));
        assertThat(Ids.stable("ab", "c")).isNotEqualTo(Ids.stable("a", "bc"));
    }

    @Test
    void parseExplainsBadInput() {
        assertThatThrownBy(() -> Ids.parse("nope")).hasMessage("'nope' is not a UUID");
    }
}
