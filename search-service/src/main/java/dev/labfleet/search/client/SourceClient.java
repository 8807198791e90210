package dev.labfleet.search.client;

import dev.labfleet.support.http.TransportRetry;
import dev.labfleet.support.security.ServiceAuth;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.search.config.SearchConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * Reads other Labfleet services' public APIs (JSON GETs only, so any call may be retried) for reindexing and
 * dashboards. Each call has a deadline; every failure is a {@link SourceException} that says what went wrong in
 * words fit for a dashboard section ("timed out after 1500 ms", "HTTP 503", "unreachable").
 */
@ApplicationScoped
public class SourceClient {

    private final HttpClient client;
    private final ServiceAuth auth;

    public SourceClient(Vertx vertx, SearchConfig config, ServiceAuth auth) {
        this.auth = auth;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.sources().timeout().toMillis()))
                .setMaxPoolSize(16).setKeepAlive(true));
    }

    /** A failed call to another service; the message is fit for an answer (no exception names). */
    public static class SourceException extends RuntimeException {
        private final int status;

        public SourceException(String message, int status) {
            super(message, null, false, false);
            this.status = status;
        }

        /** The HTTP status the service answered, or 0 when it did not answer. */
        public int status() {
            return status;
        }
    }

    /** A text answer (Prometheus metrics). */
    public Uni<String> getText(String baseUrl, String path, Duration timeout) {
        return raw(baseUrl, path, timeout, "text/plain").map(b -> b.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    public Uni<JsonNode> get(String baseUrl, String path, Duration timeout) {
        return raw(baseUrl, path, timeout, "application/json").map(bytes -> {
            try {
                return CloudEventCodec.mapper().readTree(bytes.getBytes());
            } catch (IOException e) {
                throw new SourceException("answered something that is not JSON", 200);
            }
        });
    }

    private Uni<io.vertx.mutiny.core.buffer.Buffer> raw(String baseUrl, String path, Duration timeout, String accept) {
        // Vert.x' own timeout as well as the Uni's: on expiry it closes the request's connection. The Uni's alone
        // only stopped waiting, so a neighbour that never answers kept each call's pooled connection busy for good:
        // after 16 such calls every source on that address queued behind them and timed out (ReindexTest saw it
        // after DashboardTest's hanging source)
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(baseUrl + path)
                .setTimeout(timeout.toMillis()).putHeader("Accept", accept);
        // the caller's token (the sources apply its roles and groups), the service account's for reindex and warming
        // GETs: one that got no answer at all (a pooled connection the edge closed as it reloaded) is sent again
        return TransportRetry.idempotent(() -> auth.sign(options).chain(signed -> client.request(signed))
                        .chain(request -> request.send()))
                .chain(response -> response.body().map(body -> {
                    if (response.statusCode() >= 300) {
                        throw new SourceException("HTTP " + response.statusCode(), response.statusCode());
                    }
                    return body;
                }))
                .ifNoItem().after(timeout).failWith(() -> new TimeoutException())
                .onFailure().transform(e -> {
                    if (e instanceof SourceException) {
                        return e;
                    }
                    if (e instanceof TimeoutException) {
                        return new SourceException("timed out after " + timeout.toMillis() + " ms", 0);
                    }
                    return new SourceException("unreachable", 0);
                });
    }

    @PreDestroy
    void close() {
        client.closeAndForget();
    }
}
