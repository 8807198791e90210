package dev.labfleet.common.page;

import dev.labfleet.common.problem.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Opaque cursors: the sort key of the last item of a page, base64url-encoded. */
public final class Cursor {

    private static final String PREFIX = "v1:";

    private Cursor() {
    }

    public static String encode(String lastKey) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((PREFIX + lastKey).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The sort key inside a cursor, or null for no cursor.
     *
     * @throws ProblemException 400 with the {@code cursor} field when it was not made by {@link #encode}
     */
    public static String decode(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (raw.startsWith(PREFIX)) {
                return raw.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw ProblemException.invalid("cursor", "not a cursor from a previous page");
    }

    /** The page size to use: {@code requested} bounded to 1..{@link CursorPage#MAX_LIMIT}, default when null. */
    public static int limit(Integer requested) {
        if (requested == null) {
            return CursorPage.DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > CursorPage.MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be between 1 and " + CursorPage.MAX_LIMIT);
        }
        return requested;
    }
}
