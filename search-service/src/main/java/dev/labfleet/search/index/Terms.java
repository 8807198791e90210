package dev.labfleet.search.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How names become search terms, the same way for documents and for queries. Network names are not words:
 * {@code R1}, {@code leaf3}, {@code 10.0.0.1} and {@code Ethernet0/1} stay whole, while separators ({@code -},
 * {@code _}, {@code :}, spaces) split ({@code core_sw1} is {@code core} and {@code sw1}). Dots and slashes inside a term
 * are kept (addresses, interfaces); at its ends they are dropped. The index stores these terms as they are, one
 * lexeme each (migration V4's {@code search_terms_tsvector}), and the query looks them up as they are: PostgreSQL's
 * parser never splits them again (it read {@code 88e7bd5be9} as the number {@code 88e7} and the word {@code bd5be9}).
 * No stemming, no stop words.
 */
public final class Terms {

    /** Longest term kept; longer ones are cut (no real name is that long, and GIN keys stay small). */
    public static final int MAX_TERM = 64;

    private Terms() {
    }

    public static List<String> of(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < lower.length(); ) {
            int cp = lower.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || cp == '.' || cp == '/') {
                current.appendCodePoint(cp);
            } else {
                flush(current, out);
            }
        }
        flush(current, out);
        return out;
    }

    /** The terms of {@code text} joined by spaces: what the {@code tsvector} is built from, a lexeme per term. */
    public static String joined(String... texts) {
        StringBuilder sb = new StringBuilder();
        for (String text : texts) {
            for (String term : of(text)) {
                if (!sb.isEmpty()) {
                    sb.append(' ');
                }
                sb.append(term);
            }
        }
        return sb.toString();
    }

    private static void flush(StringBuilder current, List<String> out) {
        int start = 0;
        int end = current.length();
        while (start < end && (current.charAt(start) == '.' || current.charAt(start) == '/')) {
            start++;
        }
        while (end > start && (current.charAt(end - 1) == '.' || current.charAt(end - 1) == '/')) {
            end--;
        }
        if (end > start) {
            String term = current.substring(start, end);
            out.add(term.length() > MAX_TERM ? term.substring(0, MAX_TERM) : term);
        }
        current.setLength(0);
    }
}
