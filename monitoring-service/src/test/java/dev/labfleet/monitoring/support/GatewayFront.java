package dev.labfleet.monitoring.support;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway as monitoring-service sees it in tests: the simulator's {@code LabfleetFacade}, except a link's
 * {@code /pcap}, which the facade would buffer whole (a capture never ends): that one is piped from the simulator
 * as it is written, as the real gateway streams it. Counts capture starts and stops for the tests.
 */
final class GatewayFront implements AutoCloseable {

    private static final Pattern PCAP = Pattern.compile("/api/v1/servers/[^/]+(/projects/[^/]+/links/[^/]+/pcap)");

    private final Vertx vertx = Vertx.vertx();
    private final HttpServer server;
    final AtomicInteger captureStarts = new AtomicInteger();
    final AtomicInteger captureStops = new AtomicInteger();

    GatewayFront(String facadeUrl, String simulatorUrl) {
        URI facade = URI.create(facadeUrl);
        URI simulator = URI.create(simulatorUrl);
        HttpClient client = vertx.createHttpClient();
        server = vertx.createHttpServer().requestHandler(request -> {
            Matcher pcap = PCAP.matcher(request.path());
            if (request.path().endsWith("/start_capture")) {
                captureStarts.incrementAndGet();
            } else if (request.path().endsWith("/stop_capture")) {
                captureStops.incrementAndGet();
            }
            URI target = pcap.matches() ? simulator : facade;
            String uri = pcap.matches() ? "/v2" + pcap.group(1) : request.uri();
            forward(request, client, target, uri);
        });
        try {
            server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("gateway front did not start", e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort();
    }

    private static void forward(HttpServerRequest request, HttpClient client, URI target, String uri) {
        request.pause();
        client.request(request.method(), target.getPort(), target.getHost(), uri)
                .compose(out -> {
                    request.headers().forEach(h -> {
                        if (!h.getKey().equalsIgnoreCase("host")) {
                            out.putHeader(h.getKey(), h.getValue());
                        }
                    });
                    return out.send(request);
                })
                .onSuccess(answer -> {
                    var response = request.response().setStatusCode(answer.statusCode());
                    answer.headers().forEach(h -> {
                        String name = h.getKey();
                        if (!name.equalsIgnoreCase("transfer-encoding") && !name.equalsIgnoreCase("connection")) {
                            response.putHeader(name, h.getValue());
                        }
                    });
                    if (answer.getHeader("content-length") == null) {
                        response.setChunked(true);
                    }
                    // the caller went away (a capture no longer read): so does our stream from GNS3
                    response.closeHandler(v -> answer.request().reset());
                    answer.pipeTo(response);
                })
                .onFailure(e -> {
                    if (!request.response().ended()) {
                        request.response().setStatusCode(502).end();
                    }
                });
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
    }
}
