package dev.labfleet.common.problem;

/**
 * The one rule for names a client gives (projects, imports, duplicates, snapshots, nodes, links, templates, drawings,
 * scripts, workflows) and for identity header values: not blank, no leading or trailing whitespace, at most a given
 * number of characters, and no control or invisible formatting characters (NUL, line breaks, right-to-left marks,
 * zero-width characters...). Such characters break databases (PostgreSQL refuses NUL), logs, file names on GNS3
 * and the look of a name; refusing them at each service's edge keeps every store and every export valid.
 * Services may add their own restrictions on top (a project name is a directory on GNS3: no {@code /}).
 */
public final class Names {

    /** The longest name, in characters, unless a caller says otherwise. */
    public static final int MAX_LENGTH = 100;

    private Names() {
    }

    /** What is wrong with {@code value} as a name of at most {@link #MAX_LENGTH} characters, or null when nothing. */
    public static String problem(String value) {
        return problem(value, MAX_LENGTH);
    }

    /**
     * What is wrong with {@code value} as a name of at most {@code max} characters, or null when nothing. The
     * message never repeats the value (it may be huge or unprintable); it names the offending character by its code.
     */
    public static String problem(String value, int max) {
        if (value == null) {
            return "must not be null";
        }
        if (value.isBlank()) {
            return "must not be blank";
        }
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            return "must be at most " + max + " characters (it has " + length + ")";
        }
        int position = 0;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (forbidden(c)) {
                return "must not contain control or invisible formatting characters (" + code(c) + " at position "
                        + position + ")";
            }
            i += Character.charCount(c);
            position++;
        }
        if (!value.equals(value.strip())) {
            return "must not start or end with whitespace";
        }
        return null;
    }

    /**
     * What is wrong with {@code value} as free text of at most {@code max} characters (a description, a script's
     * body), or null when nothing: the same characters are refused as in names, except tabs and line breaks.
     */
    public static String textProblem(String value, int max) {
        if (value == null) {
            return null;
        }
        int length = value.codePointCount(0, value.length());
        if (length > max) {
            return "must be at most " + max + " characters (it has " + length + ")";
        }
        int position = 0;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (c != '\t' && c != '\n' && c != '\r' && forbidden(c)) {
                return "must not contain control or invisible formatting characters other than tabs and line breaks ("
                        + code(c) + " at position " + position + ")";
            }
            i += Character.charCount(c);
            position++;
        }
        return null;
    }

    /**
     * A request header that stands for a field (an identity such as {@code X-Labfleet-User}): absent is allowed,
     * otherwise it follows the name rule with {@code max} characters.
     *
     * @throws ProblemException a 400 naming the header
     */
    public static String requireHeader(String header, String value, int max) {
        if (value == null) {
            return null;
        }
        return require(header, value, max);
    }

    /** @throws ProblemException a 400 naming {@code field} when {@code value} is not a valid name */
    public static String require(String field, String value) {
        return require(field, value, MAX_LENGTH);
    }

    /** @throws ProblemException a 400 naming {@code field} when {@code value} is not a valid name of {@code max} */
    public static String require(String field, String value, int max) {
        String problem = problem(value, max);
        if (problem != null) {
            throw ProblemException.invalid(field, problem);
        }
        return value;
    }

    /** Whether {@code value} holds a character no name or header value may hold (anywhere, at any length). */
    public static boolean hasForbiddenCharacter(String value) {
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            if (forbidden(c)) {
                return true;
            }
            i += Character.charCount(c);
        }
        return false;
    }

    private static boolean forbidden(int c) {
        return switch (Character.getType(c)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                    Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    private static String code(int c) {
        return String.format("U+%04X", c);
    }
}
