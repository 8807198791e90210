package dev.labfleet.simulator;

/**
 * Why Python's json module rejects a text, in its words: GNS3 answers malformed JSON with "Invalid JSON " and this
 * message. It retraces CPython 3.11's C scanner (the Python of the Debian 12 host the transcripts were recorded on:
 * 3.13 words trailing commas differently), positions counted in code points as Python counts them.
 */
final class PyJson {

    /** About where Python's recursion limit (1000 frames, some already taken by the server) stops its scanner. */
    private static final int MAX_DEPTH = 950;

    private final int[] s;
    private int depth;

    private PyJson(String text) {
        this.s = text.codePoints().toArray();
    }

    /**
     * Python's message, such as {@code Expecting value: line 1 column 1 (char 0)}, or null when Python parses it.
     *
     * @throws TooDeep where Python raises RecursionError, which GNS3 does not catch
     */
    static String error(String text) {
        PyJson scanner = new PyJson(text);
        try {
            scanner.document();
            return null;
        } catch (Rejected r) {
            return r.getMessage() + ": line " + scanner.line(r.pos) + " column " + scanner.column(r.pos) + " (char " + r.pos + ")";
        }
    }

    static final class TooDeep extends RuntimeException {
        TooDeep() {
            super("JSON nested deeper than Python parses", null, false, false);
        }
    }

    private static final class Rejected extends RuntimeException {
        final int pos;

        Rejected(String message, int pos) {
            super(message, null, false, false);
            this.pos = pos;
        }
    }

    private int line(int pos) {
        int lines = 1;
        for (int i = 0; i < pos; i++) {
            lines += s[i] == '\n' ? 1 : 0;
        }
        return lines;
    }

    private int column(int pos) {
        int lastNewline = -1;
        for (int i = 0; i < pos; i++) {
            lastNewline = s[i] == '\n' ? i : lastNewline;
        }
        return pos - lastNewline;
    }

    private void document() {
        if (s.length > 0 && s[0] == 0xFEFF) {
            throw new Rejected("Unexpected UTF-8 BOM (decode using utf-8-sig)", 0);
        }
        int end = skipWhitespace(value(skipWhitespace(0)));
        if (end != s.length) {
            throw new Rejected("Extra data", end);
        }
    }

    private int skipWhitespace(int idx) {
        while (idx < s.length && (s[idx] == ' ' || s[idx] == '\t' || s[idx] == '\n' || s[idx] == '\r')) {
            idx++;
        }
        return idx;
    }

    private boolean at(int idx, String word) {
        if (idx + word.length() > s.length) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (s[idx + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One value from idx; returns the index after it. */
    private int value(int idx) {
        if (idx >= s.length) {
            throw new Rejected("Expecting value", idx);
        }
        switch (s[idx]) {
            case '"' -> {
                return string(idx + 1);
            }
            case '{', '[' -> {
                if (++depth > MAX_DEPTH) {
                    throw new TooDeep();
                }
                int end = s[idx] == '{' ? object(idx + 1) : array(idx + 1);
                depth--;
                return end;
            }
            default -> {
                for (String constant : new String[] {"null", "true", "false", "NaN", "Infinity", "-Infinity"}) {
                    if (at(idx, constant)) {
                        return idx + constant.length();
                    }
                }
                return number(idx);
            }
        }
    }

    private int number(int start) {
        int idx = start;
        if (s[idx] == '-' && ++idx >= s.length) {
            throw new Rejected("Expecting value", start);
        }
        if (s[idx] >= '1' && s[idx] <= '9') {
            idx++;
            while (idx < s.length && isDigit(s[idx])) {
                idx++;
            }
        } else if (s[idx] == '0') {
            idx++;
        } else {
            throw new Rejected("Expecting value", start);
        }
        if (idx + 1 < s.length && s[idx] == '.' && isDigit(s[idx + 1])) {
            idx += 2;
            while (idx < s.length && isDigit(s[idx])) {
                idx++;
            }
        }
        if (idx + 1 < s.length && (s[idx] == 'e' || s[idx] == 'E')) {
            int exponent = idx++;
            if (idx + 1 < s.length && (s[idx] == '-' || s[idx] == '+')) {
                idx++;
            }
            while (idx < s.length && isDigit(s[idx])) {
                idx++;
            }
            if (!isDigit(s[idx - 1])) {
                idx = exponent; // "1e" is the number 1 followed by something else
            }
        }
        return idx;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** A string whose opening quote is at idx - 1; returns the index after its closing quote. */
    private int string(int idx) {
        int begin = idx - 1;
        int next = idx;
        while (true) {
            while (next < s.length && s[next] != '"' && s[next] != '\\') {
                if (s[next] <= 0x1f) {
                    throw new Rejected("Invalid control character at", next);
                }
                next++;
            }
            if (next >= s.length) {
                throw new Rejected("Unterminated string starting at", begin);
            }
            if (s[next++] == '"') {
                return next;
            }
            if (next == s.length) {
                throw new Rejected("Unterminated string starting at", begin);
            }
            if (s[next] != 'u') {
                if ("\"\\/bfnrt".indexOf(s[next]) < 0) {
                    throw new Rejected("Invalid \\escape", next - 1);
                }
                next++;
                continue;
            }
            next++;
            int end = next + 4;
            if (end >= s.length) {
                throw new Rejected("Invalid \\uXXXX escape", next - 1);
            }
            int c = hex(next, end);
            next = end;
            if (c >= 0xD800 && c <= 0xDBFF && end + 6 < s.length && s[next] == '\\' && s[next + 1] == 'u') {
                int c2 = hex(next + 2, end + 6);
                next = c2 >= 0xDC00 && c2 <= 0xDFFF ? end + 6 : end;
            }
        }
    }

    private int hex(int from, int end) {
        int value = 0;
        for (int i = from; i < end; i++) {
            int digit = Character.digit(s[i], 16);
            if (digit < 0 || s[i] > 'f') {
                throw new Rejected("Invalid \\uXXXX escape", end - 5);
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /** An object whose brace is at idx - 1; returns the index after its closing brace. */
    private int object(int idx) {
        idx = skipWhitespace(idx);
        if (idx < s.length && s[idx] == '}') {
            return idx + 1;
        }
        while (true) {
            if (idx >= s.length || s[idx] != '"') {
                throw new Rejected("Expecting property name enclosed in double quotes", idx);
            }
            idx = skipWhitespace(string(idx + 1));
            if (idx >= s.length || s[idx] != ':') {
                throw new Rejected("Expecting ':' delimiter", idx);
            }
            idx = skipWhitespace(value(skipWhitespace(idx + 1)));
            if (idx < s.length && s[idx] == '}') {
                return idx + 1;
            }
            if (idx >= s.length || s[idx] != ',') {
                throw new Rejected("Expecting ',' delimiter", idx);
            }
            idx = skipWhitespace(idx + 1);
        }
    }

    /** An array whose bracket is at idx - 1; returns the index after its closing bracket. */
    private int array(int idx) {
        idx = skipWhitespace(idx);
        if (idx < s.length && s[idx] == ']') {
            return idx + 1;
        }
        while (true) {
            idx = skipWhitespace(value(idx));
            if (idx < s.length && s[idx] == ']') {
                return idx + 1;
            }
            if (idx >= s.length || s[idx] != ',') {
                throw new Rejected("Expecting ',' delimiter", idx);
            }
            idx = skipWhitespace(idx + 1);
        }
    }
}
