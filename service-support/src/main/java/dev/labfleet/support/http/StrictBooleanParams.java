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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A boolean query parameter takes {@code true} or {@code false} (any case), nothing else: JAX-RS converts it with
 * {@link Boolean#valueOf(String)}, which reads every other word as false, so {@code ?isTemplate=yes} silently listed
 * the scripts that are not templates (found by the e2e fuzz suite). Any other value is a 400 validation problem naming
 * the parameter, before the route runs. An empty value stays what JAX-RS makes of it (absent).
 */
public class StrictBooleanParams {

    private static final Map<Method, List<String>> BOOLEANS = new ConcurrentHashMap<>();

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

    /** The problem with {@code query}'s values for {@code method}'s boolean query parameters, or null. */
    static Problem problem(Method method, MultivaluedMap<String, String> query) {
        for (String name : BOOLEANS.computeIfAbsent(method, StrictBooleanParams::booleanParams)) {
            List<String> values = query.get(name);
            if (values == null) {
                continue;
            }
            for (String value : values) {
                if (value != null && !value.isEmpty() && !"true".equalsIgnoreCase(value)
                        && !"false".equalsIgnoreCase(value)) {
                    String message = "must be true or false, not " + JsonProblems.quote(value);
                    return Problem.of(ProblemTypes.VALIDATION, name + ": " + message)
                            .withViolations(List.of(new Problem.Violation(name, message)));
                }
            }
        }
        return null;
    }

    /** The names of {@code method}'s query parameters of type boolean or Boolean. */
    static List<String> booleanParams(Method method) {
        List<String> names = new ArrayList<>();
        for (Parameter p : method.getParameters()) {
            if (p.getType() != boolean.class && p.getType() != Boolean.class) {
                continue;
            }
            QueryParam query = p.getAnnotation(QueryParam.class);
            RestQuery rest = p.getAnnotation(RestQuery.class);
            if (query != null) {
                names.add(query.value());
            } else if (rest != null) {
                names.add(rest.value().isEmpty() ? p.getName() : rest.value());
            }
        }
        return List.copyOf(names);
    }
}
