package dev.labfleet.gatewayclient;

import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Walks a cursor-paged list to its end. */
public final class Pages {

    /** More pages than any list of the gateway can have: a cursor that never ends is the gateway's defect. */
    static final int MAX_PAGES = 10_000;

    private Pages() {
    }

    /**
     * Every item of a cursor-paged list: asks {@code page} for the first page (cursor null), then for the page after
     * each {@code nextCursor} until a page has none. The pages are asked one after another (a cursor is only known
     * from the page before). A cursor seen twice fails with a 502 rather than looping.
     *
     * @param what the list, for problem details ("list servers")
     */
    public static <T> Uni<List<T>> all(String what, Function<String, Uni<CursorPage<T>>> page) {
        return walk(what, page, null, new ArrayList<>(), new HashSet<>());
    }

    private static <T> Uni<List<T>> walk(String what, Function<String, Uni<CursorPage<T>>> page, String cursor,
                                         List<T> collected, Set<String> seen) {
        return page.apply(cursor).chain(answer -> {
            collected.addAll(answer.items());
            String next = answer.nextCursor();
            if (next == null || next.isBlank()) {
                return Uni.createFrom().item(collected);
            }
            if (!seen.add(next) || seen.size() > MAX_PAGES) {
                return Uni.createFrom().failure(ProblemException.upstream(what + ": " + GatewayProblems.WHO
                        + " answered a page cursor it had already given (after " + collected.size() + " items)"));
            }
            return walk(what, page, next, collected, seen);
        });
    }
}
