package dev.labfleet.search.query;

import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.search.index.Terms;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The search box's syntax:
 * <ul>
 *   <li>{@code leaf r1}: every word, each as a prefix ({@code leaf} finds {@code leaf3}, {@code 10.0.0} finds
 *       {@code 10.0.0.1});</li>
 *   <li>{@code "core sw1"}: the words in this order, next to each other;</li>
 *   <li>{@code -word} or {@code -"a phrase"}: without it;</li>
 *   <li>{@code field:value} (or {@code field:"a value"}, {@code -field:value}): a filter on {@code kind}, {@code status},
 *       {@code type} (node type), {@code template}, {@code label}, {@code server}, {@code project}, or a word that
 *       must be in the {@code name}.</li>
 * </ul>
 * The query is never handed to PostgreSQL as text to parse: words become terms the way documents do
 * ({@link Terms}), and the {@code tsquery} is built here from quoted terms only. Characters of SQL and
 * {@code tsquery} syntax ({@code ' \ & | ! ( ) * < > ;}) are not part of this syntax and are refused by name.
 */
public final class QueryParser {

    public static final Set<String> FIELDS = Set.of("kind", "status", "type", "template", "label", "server", "project",
            "name");
    private static final String REFUSED = "'\\&|!()*<>;";

    private QueryParser() {
    }

    /** A parsed query: its text part as a {@code tsquery} (null when it has none) and its filters. */
    public record Parsed(String tsquery, Map<String, List<String>> filters, Map<String, List<String>> excluded,
                         int terms) {

        public boolean hasText() {
            return tsquery != null;
        }
    }

    public static Parsed parse(String q, int maxLength, int maxTerms) {
        Map<String, List<String>> filters = new LinkedHashMap<>();
        Map<String, List<String>> excluded = new LinkedHashMap<>();
        if (q == null || q.isBlank()) {
            return new Parsed(null, filters, excluded, 0);
        }
        if (q.length() > maxLength) {
            throw ProblemException.invalid("q", "at most " + maxLength + " characters (this one has " + q.length() + ")");
        }
        for (int i = 0; i < q.length(); i++) {
            char c = q.charAt(i);
            if (REFUSED.indexOf(c) >= 0 || Character.isISOControl(c) && !Character.isWhitespace(c)) {
                throw ProblemException.invalid("q", "character " + describe(c) + " at position " + (i + 1)
                        + " is not part of the query syntax (words, \"a phrase\", -exclude, field:value)");
            }
        }
        List<String> positive = new ArrayList<>();
        List<String> negative = new ArrayList<>();
        int terms = 0;
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            boolean negate = false;
            if (c == '-' && i + 1 < n && !Character.isWhitespace(q.charAt(i + 1))) {
                negate = true;
                i++;
            }
            String field = null;
            int colon = fieldEnd(q, i);
            if (colon > 0) {
                field = q.substring(i, colon).toLowerCase(Locale.ROOT);
                i = colon + 1;
            }
            String value;
            boolean phrase = false;
            if (i < n && q.charAt(i) == '"') {
                int close = q.indexOf('"', i + 1);
                if (close < 0) {
                    throw ProblemException.invalid("q", "the quote at position " + (i + 1) + " is not closed");
                }
                value = q.substring(i + 1, close);
                phrase = true;
                i = close + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(q.charAt(end)) && q.charAt(end) != '"') {
                    end++;
                }
                value = q.substring(i, end);
                i = end;
            }
            if (++terms > maxTerms) {
                throw ProblemException.invalid("q", "at most " + maxTerms + " words, phrases and filters");
            }
            if (field != null && !field.equals("name")) {
                if (value.isBlank()) {
                    throw ProblemException.invalid("q", "the filter " + field + ": has no value");
                }
                (negate ? excluded : filters).computeIfAbsent(field, f -> new ArrayList<>()).add(value.trim());
                continue;
            }
            String part = tsPart(Terms.of(value), phrase, "name".equals(field));
            if (part != null) {
                (negate ? negative : positive).add(part);
            }
        }
        StringBuilder ts = new StringBuilder();
        for (String p : positive) {
            ts.append(ts.isEmpty() ? "" : " & ").append(p);
        }
        for (String p : negative) {
            ts.append(ts.isEmpty() ? "" : " & ").append("!").append(p);
        }
        if (positive.isEmpty() && negative.isEmpty() && filters.isEmpty() && excluded.isEmpty()) {
            throw ProblemException.invalid("q", "has no word to search for");
        }
        return new Parsed(ts.isEmpty() ? null : ts.toString(), filters, excluded, terms);
    }

    /** The end of a {@code field:} prefix at {@code start}, or -1 when the word there is not a known field. */
    private static int fieldEnd(String q, int start) {
        int i = start;
        while (i < q.length() && Character.isLetter(q.charAt(i))) {
            i++;
        }
        if (i == start || i >= q.length() || q.charAt(i) != ':') {
            return -1;
        }
        String name = q.substring(start, i).toLowerCase(Locale.ROOT);
        if (FIELDS.contains(name)) {
            return i;
        }
        if (i + 1 < q.length() && q.charAt(i + 1) == '/') {
            return -1; // a URL such as http://10.0.0.5:3080 is text
        }
        throw ProblemException.invalid("q", "unknown field '" + name + "' (fields: "
                + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
    }

    /** Terms as a tsquery part: a phrase ({@code <->}), or each term as a prefix; quoted, so nothing is syntax. */
    private static String tsPart(List<String> terms, boolean phrase, boolean nameOnly) {
        if (terms.isEmpty()) {
            return null;
        }
        String weight = nameOnly ? "A" : "";
        List<String> lexemes = new ArrayList<>();
        for (int k = 0; k < terms.size(); k++) {
            boolean prefix = !phrase || k == terms.size() - 1;
            lexemes.add("'" + terms.get(k) + "'" + (prefix || !weight.isEmpty() ? ":" : "") + (prefix ? "*" : "")
                    + weight);
        }
        String joined = String.join(phrase ? " <-> " : " & ", lexemes);
        return lexemes.size() == 1 ? joined : "(" + joined + ")";
    }

    private static String describe(char c) {
        return switch (c) {
            case '\'' -> "' (quote)";
            case '\\' -> "\\ (backslash)";
            default -> Character.isISOControl(c) ? "U+" + String.format("%04X", (int) c) : "'" + c + "'";
        };
    }
}
