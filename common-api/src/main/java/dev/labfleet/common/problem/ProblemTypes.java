package dev.labfleet.common.problem;

import java.net.URI;

/** The problem types Labfleet services answer with. */
public final class ProblemTypes {

    private static final String BASE = "https://labfleet.dev/problems/";

    public static final Kind VALIDATION = new Kind("validation", "Request validation failed", 400);
    public static final Kind MALFORMED = new Kind("malformed-request", "Malformed request body", 400);
    public static final Kind BAD_REQUEST = new Kind("bad-request", "Bad request", 400);
    public static final Kind UNAUTHORIZED = new Kind("unauthorized", "Authentication required", 401);
    public static final Kind FORBIDDEN = new Kind("forbidden", "Forbidden", 403);
    public static final Kind NOT_FOUND = new Kind("not-found", "Resource not found", 404);
    public static final Kind METHOD_NOT_ALLOWED = new Kind("method-not-allowed", "Method not allowed", 405);
    public static final Kind NOT_ACCEPTABLE = new Kind("not-acceptable", "Not acceptable", 406);
    public static final Kind CONFLICT = new Kind("conflict", "Conflict with the current state", 409);
    public static final Kind PAYLOAD_TOO_LARGE = new Kind("payload-too-large", "Request body too large", 413);
    public static final Kind URI_TOO_LONG = new Kind("uri-too-long", "Request URI too long", 414);
    /** The caller's rate limit for this route class is spent (common-api's guard); {@code Retry-After} says when to retry. */
    public static final Kind RATE_LIMITED = new Kind("rate-limited", "Too many requests", 429);
    /** The client address is banned after repeated authentication failures (common-api's guard). */
    public static final Kind ADDRESS_BANNED = new Kind("address-banned", "Address banned", 403);
    public static final Kind UNSUPPORTED_MEDIA_TYPE = new Kind("unsupported-media-type", "Unsupported media type", 415);
    public static final Kind UPSTREAM_ERROR = new Kind("upstream-error", "Upstream server failed", 502);
    public static final Kind UPSTREAM_UNAVAILABLE = new Kind("upstream-unavailable", "Upstream server unavailable", 503);
    public static final Kind UPSTREAM_TIMEOUT = new Kind("upstream-timeout", "Upstream server timed out", 504);
    public static final Kind INTERNAL = new Kind("internal", "Internal error", 500);

    private ProblemTypes() {
    }

    /** The generic kind for an HTTP status, for statuses without a specific kind above. */
    public static Kind forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> RATE_LIMITED;
            case 502 -> UPSTREAM_ERROR;
            case 503 -> UPSTREAM_UNAVAILABLE;
            case 504 -> UPSTREAM_TIMEOUT;
            default -> status >= 500 ? INTERNAL : new Kind("http-" + status, "HTTP " + status, status);
        };
    }

    /** A problem type: its URI slug, title and status. */
    public record Kind(String slug, String title, int status) {
        public URI type() {
            return URI.create(BASE + slug);
        }
    }
}
