package dev.labfleet.common.page;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list. {@code nextCursor} is opaque to clients; it is absent on the last page.
 *
 * @param items      the page's items, in the list's stable order
 * @param nextCursor pass it as {@code cursor} to get the next page; null when there is none
 * @param limit      the page size asked for
 */
public record CursorPage<T>(List<T> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor, int limit) {

    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    public CursorPage {
        items = items == null ? List.of() : List.copyOf(items);
    }

    /**
     * Builds a page from up to {@code limit + 1} rows fetched after the cursor: the extra row only tells that a
     * next page exists.
     */
    public static <T> CursorPage<T> of(List<T> rowsPlusOne, int limit, Function<T, String> keyOf) {
        if (rowsPlusOne.size() > limit) {
            List<T> items = rowsPlusOne.subList(0, limit);
            return new CursorPage<>(items, Cursor.encode(keyOf.apply(items.get(limit - 1))), limit);
        }
        return new CursorPage<>(rowsPlusOne, null, limit);
    }

    public <R> CursorPage<R> map(Function<T, R> mapper) {
        return new CursorPage<>(items.stream().map(mapper).toList(), nextCursor, limit);
    }
}
