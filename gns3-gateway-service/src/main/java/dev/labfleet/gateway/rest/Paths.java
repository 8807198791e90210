package dev.labfleet.gateway.rest;

import dev.labfleet.common.problem.ProblemException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Building GNS3 paths from caller input without letting it escape its path segment. */
final class Paths {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._~-]{1,200}");

    private Paths() {
    }

    static String segment(String value) {
        if (value == null || !SAFE.matcher(value).matches() || value.equals(".") || value.equals("..")) {
            throw ProblemException.invalid("path", "'" + value + "' is not a valid identifier");
        }
        return value;
    }

    static String query(String name, String value) {
        return value == null ? "" : name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
