package dev.labfleet.topology.rest;

import dev.labfleet.common.problem.ProblemException;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a {@code ?wait=} parameter: seconds ({@code 30}) or a number with s, m or h ({@code 30s}, {@code 5m}). */
final class Waits {

    private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s|m|h)?");

    private Waits() {
    }

    /** Null when absent; a 400 naming the parameter when unreadable or above {@code max}. */
    static Duration parse(String name, String value, Duration max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Matcher m = FORM.matcher(value.trim());
        if (!m.matches()) {
            throw ProblemException.invalid(name, "must be a number of seconds, or a number with ms, s, m or h "
                    + "(30s, 5m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.compareTo(max) > 0) {
            throw ProblemException.invalid(name, "must be at most " + max.toSeconds() + "s");
        }
        return d;
    }
}
