package dev.labfleet.common.page;

import dev.labfleet.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CursorTest {

    @Test
    void cursorRoundTripsItsKey() {
        assertThat(Cursor.decode(Cursor.encode("2026-11-22T10:00:00Z|abc"))).isEqualTo("2026-11-22T10:00:00Z|abc");
        assertThat(Cursor.decode(null)).isNull();
    }

    @Test
    void foreignCursorIsAValidationProblemOnTheCursorField() {
        assertThatThrownBy(() -> Cursor.decode("garbage!"))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> {
                    var problem = ((ProblemException) e).problem();
                    assertThat(problem.status()).isEqualTo(400);
                    assertThat(problem.violations()).extracting(v -> v.field()).containsExactly("cursor");
                });
    }

    @Test
    void pageUsesTheExtraRowOnlyToKnowThereIsMore() {
        CursorPage<String> page = CursorPage.of(List.of("a", "b", "c"), 2, s -> s);
        assertThat(page.items()).containsExactly("a", "b");
        assertThat(Cursor.decode(page.nextCursor())).isEqualTo("b");

        CursorPage<String> last = CursorPage.of(List.of("c"), 2, s -> s);
        assertThat(last.nextCursor()).isNull();
    }

    @Test
    void limitIsBounded() {
        assertThat(Cursor.limit(null)).isEqualTo(CursorPage.DEFAULT_LIMIT);
        assertThat(Cursor.limit(10)).isEqualTo(10);
        assertThatThrownBy(() -> Cursor.limit(0)).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> Cursor.limit(CursorPage.MAX_LIMIT + 1)).isInstanceOf(ProblemException.class);
    }
}
