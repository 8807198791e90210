package dev.labfleet.common.problem;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An RFC 7807 problem detail, the body of every 4xx/5xx answer of every Labfleet service.
 *
 * @param type       a URI naming the kind of problem, see {@link ProblemTypes}
 * @param title      short, stable summary of the type
 * @param status     the HTTP status
 * @param detail     what went wrong this time, precise enough to act on
 * @param instance   the request path
 * @param traceId    the trace of the request, to find its logs
 * @param violations the failed fields, for validation problems
 * @param context    further members, e.g. {@code projectId} or {@code serverId}
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(
        URI type,
        String title,
        int status,
        String detail,
        URI instance,
        String traceId,
        List<Violation> violations,
        @JsonIgnore Map<String, Object> context) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public Problem {
        violations = violations == null ? List.of() : List.copyOf(violations);
        context = context == null ? new LinkedHashMap<>() : new LinkedHashMap<>(context);
    }

    public static Problem of(ProblemTypes.Kind kind, String detail) {
        return new Problem(kind.type(), kind.title(), kind.status(), detail, null, null, List.of(), Map.of());
    }

    public Problem withInstance(URI value) {
        return new Problem(type, title, status, detail, value, traceId, violations, context);
    }

    public Problem withTraceId(String value) {
        return new Problem(type, title, status, detail, instance, value, violations, context);
    }

    public Problem withViolations(List<Violation> value) {
        return new Problem(type, title, status, detail, instance, traceId, value, context);
    }

    public Problem with(String key, Object value) {
        Map<String, Object> next = new LinkedHashMap<>(context);
        next.put(key, value);
        return new Problem(type, title, status, detail, instance, traceId, violations, next);
    }

    @JsonAnyGetter
    public Map<String, Object> extensions() {
        return context;
    }

    @JsonAnySetter
    void extension(String key, Object value) {
        context.put(key, value);
    }

    /** One failed field: its path in the request (e.g. {@code nodes[2].name}) and what is wrong with it. */
    public record Violation(String field, String message) {
    }
}
