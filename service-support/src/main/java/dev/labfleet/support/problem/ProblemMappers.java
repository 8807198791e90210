package dev.labfleet.support.problem;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.common.problem.JsonProblems;
import dev.labfleet.common.problem.FieldPaths;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.net.ConnectException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The one place where failures become {@code application/problem+json} answers, shared by every service.
 * Client mistakes are 4xx with a precise detail; upstream trouble is 502/503/504; anything else is a 500 that
 * carries a trace id and never a stack trace.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int DEFAULT_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Problem problem = e.problem();
        if (problem.status() >= 500 && e.getCause() != null) {
            LOG.warnf(e.getCause(), "%s: %s", problem.title(), problem.detail());
        }
        return respond(problem, uri, e.retryAfterSeconds());
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        if (e.getConstraintViolations().stream().anyMatch(ProblemMappers::isReturnValue)) {
            return unexpected(e, uri);
        }
        List<Problem.Violation> violations = violations(e);
        String detail = violations.size() == 1
                ? violations.get(0).field() + ": " + violations.get(0).message()
                : violations.size() + " fields are invalid";
        return respond(Problem.of(ProblemTypes.VALIDATION, detail).withViolations(violations), uri, null);
    }

    @ServerExceptionMapper
    public Response validationFailure(ValidationException e, UriInfo uri) {
        return unexpected(e, uri);
    }

    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri) {
        return json(e, uri);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri) {
        return respond(JsonProblems.of(e, "JSON"), uri, null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof JsonProcessingException json) {
                return json(json, uri);
            }
        }
        int status = e.getResponse() == null ? 500 : e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e, uri);
        }
        // the path is the client's: quoted and escaped, never repeated raw
        String detail = switch (status) {
            case 404 -> "no resource at " + JsonProblems.quote(uri.getPath());
            case 405 -> "method not allowed on " + JsonProblems.quote(uri.getPath());
            default -> e.getMessage();
        };
        Problem problem = Problem.of(ProblemTypes.forStatus(status), detail);
        Response.ResponseBuilder builder = builder(problem, uri);
        if (status == 405 && e.getResponse().getHeaderString(HttpHeaders.ALLOW) != null) {
            builder.header(HttpHeaders.ALLOW, e.getResponse().getHeaderString(HttpHeaders.ALLOW));
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response faultTolerance(FaultToleranceException e, UriInfo uri) {
        if (e instanceof CircuitBreakerOpenException) {
            return respond(Problem.of(ProblemTypes.UPSTREAM_UNAVAILABLE, "circuit breaker open: upstream is failing"),
                    uri, DEFAULT_RETRY_AFTER_SECONDS);
        }
        if (e instanceof BulkheadException) {
            return respond(Problem.of(ProblemTypes.UPSTREAM_UNAVAILABLE, "too many concurrent requests to upstream"),
                    uri, 1);
        }
        if (e instanceof org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException) {
            return respond(Problem.of(ProblemTypes.UPSTREAM_TIMEOUT, "upstream did not answer in time"), uri, null);
        }
        return unexpected(e, uri);
    }

    @ServerExceptionMapper
    public Response any(Throwable e, UriInfo uri) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            String name = t.getClass().getSimpleName();
            if (name.equals("OptimisticLockException") || name.equals("StaleObjectStateException")) {
                return respond(Problem.of(ProblemTypes.CONFLICT,
                        "the resource was changed by another request meanwhile; read it again and retry"), uri, null);
            }
        }
        Throwable root = rootCause(e);
        if (root instanceof ConnectException) {
            return respond(Problem.of(ProblemTypes.UPSTREAM_UNAVAILABLE, "upstream refused the connection"), uri,
                    DEFAULT_RETRY_AFTER_SECONDS);
        }
        if (root instanceof java.util.concurrent.TimeoutException
                || root.getClass().getName().equals("io.smallrye.mutiny.TimeoutException")) {
            return respond(Problem.of(ProblemTypes.UPSTREAM_TIMEOUT, "upstream did not answer in time"), uri, null);
        }
        return unexpected(e, uri);
    }

    private static boolean clientWentAway(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String type = t.getClass().getName();
            if (type.equals("io.vertx.core.http.StreamResetException")
                    || type.equals("io.vertx.core.VertxException") && "Connection was closed".equals(t.getMessage())
                    || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
        }
        return false;
    }

    private Response unexpected(Throwable e, UriInfo uri) {
        String traceId = traceId();
        if (clientWentAway(e)) {
            // a client that closes a stream it no longer wants (a live pcap, a download) is not a failure of ours
            LOG.debugf("client closed %s (traceId=%s): %s", uri == null ? "?" : uri.getPath(), traceId, e);
            return Response.status(499).build();
        }
        LOG.errorf(e, "unexpected failure on %s (traceId=%s)", uri == null ? "?" : uri.getPath(), traceId);
        Problem problem = Problem.of(ProblemTypes.INTERNAL,
                "an unexpected error occurred; quote trace id " + traceId + " when reporting it");
        return respond(problem.withTraceId(traceId), uri, null);
    }

    /** Builds the answer for any problem; also used by resources' filters that must fail early. */
    public static Response respond(Problem problem, UriInfo uri, Integer retryAfterSeconds) {
        Response.ResponseBuilder builder = builder(problem, uri);
        if (retryAfterSeconds != null) {
            builder.header("Retry-After", retryAfterSeconds);
        }
        return builder.build();
    }

    private static Response.ResponseBuilder builder(Problem problem, UriInfo uri) {
        Problem full = problem;
        if (full.instance() == null && uri != null) {
            full = full.withInstance(URI.create(uri.getRequestUri().getRawPath()));
        }
        if (full.traceId() == null) {
            full = full.withTraceId(traceId());
        }
        return Response.status(full.status()).type(Problem.MEDIA_TYPE).entity(full);
    }

    static List<Problem.Violation> violations(ConstraintViolationException e) {
        List<Problem.Violation> list = new ArrayList<>();
        for (ConstraintViolation<?> v : e.getConstraintViolations()) {
            list.add(new Problem.Violation(FieldPaths.of(v.getPropertyPath()), v.getMessage()));
        }
        list.sort(Comparator.comparing(Problem.Violation::field).thenComparing(Problem.Violation::message));
        return list;
    }


    private static boolean isReturnValue(ConstraintViolation<?> v) {
        for (Path.Node node : v.getPropertyPath()) {
            if (node.getKind() == ElementKind.RETURN_VALUE) {
                return true;
            }
        }
        return false;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** The current trace id: OpenTelemetry's when a span is active, else the logging MDC's, else a fresh one. */
    public static String traceId() {
        try {
            SpanContext context = Span.current().getSpanContext();
            if (context.isValid()) {
                return context.getTraceId();
            }
        } catch (NoClassDefFoundError ignored) {
            // OpenTelemetry is optional for callers of this module
        }
        Object mdc = MDC.get("traceId");
        if (mdc != null && !mdc.toString().isBlank()) {
            return mdc.toString();
        }
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
