package dev.labfleet.support.http;

import dev.labfleet.common.problem.JsonProblems;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.MultivaluedMap;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A typed query parameter takes a value of its type, or the request is a 400 validation problem naming the parameter,
 * before the route runs. JAX-RS makes a conversion failure of a query parameter a 404 without saying which one
 * ({@code ?limit=ten} answered "no resource at /api/v1/..."), and converts a boolean with {@link Boolean#valueOf},
 * which reads every other word as false ({@code ?isTemplate=yes} silently listed the scripts that are not templates;
 * both found by the e2e fuzz suite). Checked: booleans ({@code true} or {@code false}, any case), whole numbers
 * ({@code int}, {@code long}, {@code short} and their boxes, in range) and UUIDs. An empty value stays what JAX-RS
 * makes of it (absent).
 */
public class StrictQueryParams {

    /** A checked type: whether a value is one, and what the problem says when it is not. */
    record Kind(Predicate<String> accepts, String expected) {
    }

    private static final Kind BOOLEAN = new Kind(v -> "true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v),
            "must be true or false");
    private static final Kind INT = new Kind(v -> parses(() -> Integer.parseInt(v)), "must be a whole number");
    private static final Kind LONG = new Kind(v -> parses(() -> Long.parseLong(v)), "must be a whole number");
    private static final Kind SHORT = new Kind(v -> parses(() -> Short.parseShort(v)), "must be a whole number");
    private static final Kind UUIDS = new Kind(v -> parses(() -> UUID.fromString(v))
            && v.length() == 36, "must be a UUID");

    private static final Map<Method, Map<String, Kind>> TYPED = new ConcurrentHashMap<>();

    @ServerRequestFilter
    public void check(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return;
        }
        Problem problem = problem(method, request.getUriInfo().getQueryParameters());
        if (problem != null) {
            throw new ProblemException(problem);
        }
    }

    /** The problem with {@code query}'s values for {@code method}'s typed query parameters, or null. */
    static Problem problem(Method method, MultivaluedMap<String, String> query) {
        for (Map.Entry<String, Kind> param : TYPED.computeIfAbsent(method, StrictQueryParams::typedParams).entrySet()) {
            List<String> values = query.get(param.getKey());
            if (values == null) {
                continue;
            }
            for (String value : values) {
                if (value != null && !value.isEmpty() && !param.getValue().accepts().test(value)) {
                    String message = param.getValue().expected() + ", not " + JsonProblems.quote(value);
                    return Problem.of(ProblemTypes.VALIDATION, param.getKey() + ": " + message)
                            .withViolations(List.of(new Problem.Violation(param.getKey(), message)));
                }
            }
        }
        return null;
    }

    /** {@code method}'s query parameters of a checked type, by name, in declaration order. */
    static Map<String, Kind> typedParams(Method method) {
        Map<String, Kind> typed = new java.util.LinkedHashMap<>();
        for (Parameter p : method.getParameters()) {
            Kind kind = kind(p.getType());
            if (kind == null) {
                continue;
            }
            QueryParam query = p.getAnnotation(QueryParam.class);
            RestQuery rest = p.getAnnotation(RestQuery.class);
            if (query != null) {
                typed.put(query.value(), kind);
            } else if (rest != null) {
                typed.put(rest.value().isEmpty() ? p.getName() : rest.value(), kind);
            }
        }
        return java.util.Collections.unmodifiableMap(typed);
    }

    private static Kind kind(Class<?> type) {
        if (type == boolean.class || type == Boolean.class) {
            return BOOLEAN;
        }
        if (type == int.class || type == Integer.class) {
            return INT;
        }
        if (type == long.class || type == Long.class) {
            return LONG;
        }
        if (type == short.class || type == Short.class) {
            return SHORT;
        }
        return type == UUID.class ? UUIDS : null;
    }

    private static boolean parses(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException e) { // NumberFormatException too
            return false;
        }
    }
}
