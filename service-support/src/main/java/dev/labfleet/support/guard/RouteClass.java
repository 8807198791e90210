package dev.labfleet.support.guard;

import java.util.Locale;

/** The route classes that have their own rate limits. */
public enum RouteClass {
    /** GET, HEAD, OPTIONS (and WebSocket upgrades). */
    READS,
    /** Every other method. */
    WRITES,
    /** Long or heavy operations (apply, export, import, reindex...): {@code labfleet.guard.rate-limit.expensive-paths}. */
    EXPENSIVE;

    /** The configuration and wire name: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
