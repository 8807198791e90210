package dev.labfleet.common.id;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Ids. GNS3 accepts client-supplied ids for projects, nodes and links, which makes a retried create idempotent;
 * Labfleet derives stable ids from names so that re-applying the same spec addresses the same objects.
 */
public final class Ids {

    private Ids() {
    }

    public static UUID random() {
        return UUID.randomUUID();
    }

    /** A name-based (version 3) UUID, stable for the same parts in the same order. */
    public static UUID stable(String... parts) {
        String joined = String.join("\u001f", parts);
        return UUID.nameUUIDFromBytes(joined.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses an optional UUID parameter given by a client: null stays null.
     *
     * @throws dev.labfleet.common.problem.ProblemException 400 naming {@code field} when it is not a UUID
     */
    public static UUID parseParameter(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return UUID.fromString(value.trim());
        } catch (IllegalArgumentException e) {
            throw dev.labfleet.common.problem.ProblemException.invalid(field, "'" + value + "' is not a UUID");
        }
    }

    /**
     * Parses a UUID given by a client.
     *
     * @throws IllegalArgumentException with a readable message when it is not one
     */
    public static UUID parse(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("'" + value + "' is not a UUID");
        }
    }
}
