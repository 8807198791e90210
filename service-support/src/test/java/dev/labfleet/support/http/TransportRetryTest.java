package dev.labfleet.support.http;

import dev.labfleet.common.problem.UpstreamProblems;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Against a real HTTP server on loopback that closes connections as a reloading edge does. */
class TransportRetryTest {

    private Vertx vertx;
    private HttpServer server;
    private HttpClient client;
    private final AtomicInteger received = new AtomicInteger();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
    }

    @AfterEach
    void stop() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private int serve(Consumer<HttpServerRequest> handler) {
        server = vertx.createHttpServer().requestHandler(request -> {
            received.incrementAndGet();
            handler.accept(request);
        });
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().join().actualPort();
    }

    private Uni<String> get(int port) {
        return Uni.createFrom().completionStage(() -> client.request(HttpMethod.GET, port, "127.0.0.1", "/x")
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> response.statusCode() + " " + body))
                .toCompletionStage());
    }

    @Test
    void aCallWhoseConnectionClosedBeforeAnyAnswerIsSentAgainAndAnswered() {
        int port = serve(request -> {
            if (received.get() == 1) {
                request.connection().close();
            } else {
                request.response().end("ok");
            }
        });

        String answer = TransportRetry.idempotent(() -> get(port)).await().atMost(Duration.ofSeconds(10));

        assertThat(answer).isEqualTo("200 ok");
        assertThat(received).hasValue(2);
    }

    @Test
    void aServerThatNeverAnswersIsTriedThreeTimesThenItsFailureSaysSo() {
        int port = serve(request -> request.connection().close());

        Throwable failure = catchThrowable(() -> TransportRetry.idempotent(() -> get(port)).await()
                .atMost(Duration.ofSeconds(10)));

        assertThat(received).hasValue(1 + TransportRetry.RETRIES);
        assertThat(UpstreamProblems.neverAnswered(failure)).isTrue();
        assertThat(failure).hasMessageNotContaining("Retries exhausted");
        assertThat(UpstreamProblems.describe(failure)).isEqualTo("connection closed before the answer");
    }

    @Test
    void anHttpAnswerEvenAnErrorIsNeverSentAgain() {
        int port = serve(request -> request.response().setStatusCode(503).end("down"));

        String answer = TransportRetry.idempotent(() -> get(port)).await().atMost(Duration.ofSeconds(10));

        assertThat(answer).isEqualTo("503 down");
        assertThat(received).hasValue(1);
    }

    @Test
    void aRefusedConnectionIsTriedAgainUntilTheServerListens() {
        int port = serve(request -> request.response().end("late"));
        server.close().toCompletionStage().toCompletableFuture().join();
        AtomicInteger attempts = new AtomicInteger();

        String answer = TransportRetry.idempotent(() -> {
            if (attempts.incrementAndGet() == 2) {
                // the replica is back by the second send
                vertx.createHttpServer().requestHandler(r -> r.response().end("back")).listen(port, "127.0.0.1")
                        .toCompletionStage().toCompletableFuture().join();
            }
            return get(port);
        }).await().atMost(Duration.ofSeconds(10));

        assertThat(answer).isEqualTo("200 back");
        assertThat(attempts).hasValue(2);
    }
}
