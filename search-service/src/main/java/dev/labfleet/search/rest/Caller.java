package dev.labfleet.search.rest;

import dev.labfleet.common.problem.ProblemException;

/**
 * The caller's name for per-user data (history, custom dashboards): the authenticated caller's; {@code X-Labfleet-User}
 * names it only while security is off (tests).
 */
public final class Caller {

    public static final String HEADER = "X-Labfleet-User";
    private static final int MAX = 200;

    private Caller() {
    }

    /** The user named by the header, or null when there is none. */
    public static String optional(String header) {
        io.quarkus.security.identity.SecurityIdentity identity = dev.labfleet.support.security.Caller.current();
        if (identity != null && !dev.labfleet.support.security.Caller.open(identity)) {
            return dev.labfleet.support.security.Caller.name(identity);
        }
        if (header == null || header.isBlank()) {
            return null;
        }
        String user = header.trim();
        if (user.length() > MAX || user.chars().anyMatch(Character::isISOControl)) {
            throw ProblemException.invalid(HEADER, "a user name of at most " + MAX + " printable characters");
        }
        return user;
    }

    /** The user named by the header; a 400 without one. */
    public static String required(String header) {
        String user = optional(header);
        if (user == null) {
            throw ProblemException.invalid(HEADER, "required: the user whose data this is");
        }
        return user;
    }
}
