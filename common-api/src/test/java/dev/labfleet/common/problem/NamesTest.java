package dev.labfleet.common.problem;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamesTest {

    record Request(@ValidName String name, @ValidName(max = 5) String shortName) {
    }

    @Test
    void ordinaryNamesPass() {
        assertThat(Names.problem("R1")).isNull();
        assertThat(Names.problem("Zürich core 1 (spine) — 東京")).isNull();
        assertThat(Names.problem("a".repeat(100))).isNull();
    }

    @Test
    void controlAndInvisibleFormattingCharactersAreNamedByTheirCode() {
        assertThat(Names.problem("lab\u0000")).isEqualTo(
                "must not contain control or invisible formatting characters (U+0000 at position 3)");
        assertThat(Names.problem("a\nb")).contains("U+000A");
        assertThat(Names.problem("abc\u202edcba")).contains("U+202E");
        assertThat(Names.problem("R\u200f1")).contains("U+200F");
        assertThat(Names.problem("x\u2028y")).contains("U+2028");
        assertThat(Names.problem("x\ud800y")).contains("U+D800");
    }

    @Test
    void lengthBlanksAndOuterWhitespace() {
        assertThat(Names.problem("a".repeat(101))).isEqualTo("must be at most 100 characters (it has 101)");
        assertThat(Names.problem("a".repeat(100_000))).doesNotContain("aaaa");
        assertThat(Names.problem(" ")).isEqualTo("must not be blank");
        assertThat(Names.problem(" R1")).isEqualTo("must not start or end with whitespace");
        assertThat(Names.problem("ab", 1)).isEqualTo("must be at most 1 characters (it has 2)");
        assertThatThrownBy(() -> Names.require("nodes[2].name", "a\u0001")).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(((ProblemException) e).problem().violations())
                        .extracting(Problem.Violation::field).containsExactly("nodes[2].name"));
    }

    @Test
    void theBeanValidationConstraintGivesTheSameMessage() {
        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        Set<ConstraintViolation<Request>> violations = validator.validate(new Request("a\u0000{x}", "toolong"));
        assertThat(violations).extracting(ConstraintViolation::getMessage).containsExactlyInAnyOrder(
                "must not contain control or invisible formatting characters (U+0000 at position 1)",
                "must be at most 5 characters (it has 7)");
        assertThat(validator.validate(new Request(null, "ok"))).isEmpty();
    }
}
