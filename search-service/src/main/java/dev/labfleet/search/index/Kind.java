package dev.labfleet.search.index;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a search document stands for. Events are searched only when asked for ({@code kind=event}). */
public enum Kind {
    SERVER, LAB, NODE, LINK, TEMPLATE, SNAPSHOT, SCRIPT, WORKFLOW, EXECUTION, ANOMALY, INCIDENT, EVENT;

    /** The wire name: lower case. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Kind> parse(String value) {
        return Arrays.stream(values()).filter(k -> k.wire().equals(value)).findFirst();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Kind::wire).toList());
    }
}
