package dev.labfleet.support.logging;

import java.util.regex.Pattern;

/**
 * Masks credentials in text bound for a log: the value of an {@code Authorization} header (Bearer or Basic), and
 * anything shaped like a JWT. {@link KnownNoiseFilter} applies it to every log line of every service, so a request
 * or client logger, an exception message or a dumped header never writes a token.
 */
public final class SecretMask {

    private static final Pattern AUTHORIZATION = Pattern.compile(
            "(?i)((?:authorization|proxy-authorization)[\"']?\\s*[:=]\\s*[\"']?\\s*(?:(?:bearer|basic|token)\\s+)?+)"
                    + "[A-Za-z0-9._~+/=-]{6,}");
    private static final Pattern SCHEME = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{6,}");
    private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    public static final String MASK = "***";

    private SecretMask() {
    }

    /** Whether {@code text} may hold something to mask (a cheap test before the regular expressions). */
    public static boolean suspect(String text) {
        return text != null && (text.contains("eyJ") || containsIgnoreCase(text, "bearer")
                || containsIgnoreCase(text, "basic ") || containsIgnoreCase(text, "authorization"));
    }

    public static String mask(String text) {
        if (!suspect(text)) {
            return text;
        }
        String out = JWT.matcher(text).replaceAll(MASK);
        out = AUTHORIZATION.matcher(out).replaceAll("$1" + MASK);
        return SCHEME.matcher(out).replaceAll("$1 " + MASK);
    }

    private static boolean containsIgnoreCase(String text, String word) {
        int n = word.length();
        for (int i = 0; i + n <= text.length(); i++) {
            if (text.regionMatches(true, i, word, 0, n)) {
                return true;
            }
        }
        return false;
    }
}
