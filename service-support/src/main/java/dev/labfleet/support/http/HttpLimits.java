package dev.labfleet.support.http;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.support.problem.ProblemMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Limits the HTTP layer enforces before any resource runs, answered as {@code application/problem+json} like every
 * other refusal (Quarkus' own limit handlers answer with an empty body): a request line longer than
 * {@code labfleet.http.max-uri-length} is a 414, a body whose declared length exceeds the route's limit a 413 that
 * is sent without reading the body. The limit is {@code labfleet.http.max-body-size} for ordinary (JSON) routes and
 * {@code labfleet.http.max-upload-size} for the streaming upload routes matched by {@code labfleet.http.upload-paths}
 * (a regular expression on the path; none by default). A body sent without a length (chunked) is held to the same
 * limit while it is read.
 *
 * <p>Netty's codec still refuses, before any of this, a request line longer than
 * {@code quarkus.http.limits.max-initial-line-length} (raised in the shared defaults so that our 414 answers first)
 * and a header value with a bare CR or LF; those answers keep Vert.x' empty body.
 */
@Singleton
public class HttpLimits {

    /** Where RESTEasy Reactive reads a chunked body's limit from (its {@code VertxInputStream}). */
    static final String MAX_REQUEST_SIZE_KEY = "io.quarkus.max-request-size";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final long maxBody;
    private final long maxUpload;
    private final Pattern uploadPaths;
    private final int maxUri;

    public HttpLimits() {
        Config config = ConfigProvider.getConfig();
        maxBody = bytes(config.getOptionalValue("labfleet.http.max-body-size", String.class).orElse("10M"));
        maxUpload = bytes(config.getOptionalValue("labfleet.http.max-upload-size", String.class).orElse("512M"));
        String paths = config.getOptionalValue("labfleet.http.upload-paths", String.class).orElse("");
        uploadPaths = paths.isBlank() ? null : Pattern.compile(paths);
        maxUri = config.getOptionalValue("labfleet.http.max-uri-length", Integer.class).orElse(4096);
    }

    void install(@Observes Router router) {
        // before Quarkus' upload limit (order -2), which would answer an empty 413
        router.route().order(-3).handler(this::check);
        // after it: a chunked body is read with the route's own limit, not the global one
        router.route().order(-1).handler(this::limitChunked);
    }

    /** The body limit of a path, in bytes. */
    public long limitOf(String path) {
        return uploadPaths != null && path != null && uploadPaths.matcher(path).matches() ? maxUpload : maxBody;
    }

    private void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        String uri = request.uri();
        if (uri != null && uri.length() > maxUri) {
            refuse(context, Problem.of(ProblemTypes.URI_TOO_LONG, "the request line's path and query are "
                    + uri.length() + " characters; at most " + maxUri + " are accepted"), false);
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                refuse(context, Problem.of(ProblemTypes.BAD_REQUEST, "Content-Length must be a number of bytes"), true);
                return;
            }
            long limit = limitOf(request.path());
            if (declared > limit) {
                refuse(context, Problem.of(ProblemTypes.PAYLOAD_TOO_LARGE, "the body is " + declared
                        + " bytes; at most " + limit + " are accepted here"), true);
                return;
            }
        }
        context.next();
    }

    private void limitChunked(RoutingContext context) {
        if (context.get(MAX_REQUEST_SIZE_KEY) != null) {
            context.put(MAX_REQUEST_SIZE_KEY, limitOf(context.request().path()));
        }
        context.next();
    }

    /** Ends {@code context} with {@code problem} as {@code application/problem+json} (for other Router handlers). */
    public static void answer(RoutingContext context, Problem problem) {
        refuse(context, problem, false);
    }

    private static void refuse(RoutingContext context, Problem problem, boolean close) {
        Problem full = problem.withTraceId(ProblemMappers.traceId());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(full);
        } catch (JsonProcessingException e) {
            body = new byte[0];
        }
        var response = context.response().setStatusCode(full.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (close) {
            // the body was not read: the connection cannot carry another request
            response.putHeader("Connection", "close");
        }
        response.end(io.vertx.core.buffer.Buffer.buffer(body));
    }

    /** {@code 512M}, {@code 10K}, {@code 1G}, {@code 2048}: bytes. */
    static long bytes(String size) {
        String s = size.trim().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = s.isEmpty() ? ' ' : s.charAt(s.length() - 1);
        switch (last) {
            case 'K' -> unit = 1024L;
            case 'M' -> unit = 1024L * 1024;
            case 'G' -> unit = 1024L * 1024 * 1024;
            case 'T' -> unit = 1024L * 1024 * 1024 * 1024;
            default -> unit = 1;
        }
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1).trim()) * unit;
    }
}
