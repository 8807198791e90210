package dev.labfleet.common.problem;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@code ?wait=} parameter (how long a request for a long operation blocks before it is answered 202):
 * seconds ({@code 30}) or a number with ms, s, m or h ({@code 30s}, {@code 5m}).
 */
public final class Waits {

    private static final Pattern FORM = Pattern.compile("(\\d{1,6})(ms|s|m|h)?");

    private Waits() {
    }

    /** Null when absent; a 400 naming the parameter when unreadable or above {@code max}. */
    public static Duration parse(String name, String value, Duration max) {
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
