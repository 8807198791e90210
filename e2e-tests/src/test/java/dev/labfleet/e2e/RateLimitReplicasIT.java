package dev.labfleet.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14's rate-limit acceptance across two replicas: two processes of search-service (its fast-jar, as deployed)
 * share Redis and a limit of 10 reads a second per principal. Alice sends 11 reads a second, alternately to each
 * replica: each replica alone sees 5.5 a second, under the limit, so only a bucket the replicas share refuses her,
 * and it does (429 problems with Retry-After and RateLimit headers, from both replicas), while bob, calling both
 * replicas at the same time, is never refused.
 */
class RateLimitReplicasIT {

    private static final List<ServiceProcess> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        E2e.Service search = E2e.SERVICES.get(5);
        String keys = "labfleet:guard:e2e:replicas:" + UUID.randomUUID() + ":";
        for (int i = 0; i < 2; i++) {
            replicas.add(new ServiceProcess(search.module(), search.shortName(), search.port() + 20 + i, Map.of(
                    "LABFLEET_GUARD_KEY_PREFIX", keys,
                    "LABFLEET_RATE_LIMIT_READS", "10",
                    "LABFLEET_RATE_LIMIT_READS_BURST", "1",
                    // nothing else runs in this test: no neighbours to warm dashboards from
                    "LABFLEET_GATEWAY_URL", "http://127.0.0.1:9",
                    "LABFLEET_PROJECT_URL", "http://127.0.0.1:9")).start());
        }
        for (ServiceProcess replica : replicas) {
            replica.awaitReady(Duration.ofSeconds(Long.parseLong(E2e.env("LABFLEET_E2E_START_SECONDS", "180"))));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess replica : replicas) {
            replica.close();
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static HttpRequest read(ServiceProcess replica, String token) {
        return HttpRequest.newBuilder(URI.create(replica.baseUrl() + "/api/v1/search/suggest?q=guard"))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build();
    }

    @Test
    void elevenReadsASecondAgainstTenAcrossTwoReplicasAreRefusedWhileAnotherPrincipalIsNot() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = E2e.token("alice-" + run, "viewer");
        String bob = E2e.token("bob-" + run, "viewer");
        ConcurrentLinkedQueue<CompletableFuture<HttpResponse<String>>> aliceCalls = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<HttpResponse<String>> bobAnswers = new ConcurrentLinkedQueue<>();
        AtomicInteger aliceTurn = new AtomicInteger();
        AtomicInteger bobTurn = new AtomicInteger();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        long started = System.nanoTime();
        // alice: 11 a second, alternately to each replica, without waiting for answers
        ScheduledFuture<?> aliceLoad = clock.scheduleAtFixedRate(() -> aliceCalls.add(http.sendAsync(
                        read(replicas.get(aliceTurn.getAndIncrement() % 2), alice), HttpResponse.BodyHandlers.ofString())),
                0, 1_000_000 / 11, TimeUnit.MICROSECONDS);
        // bob: one read at a time, 0.25 s apart, alternately to each replica
        ScheduledFuture<?> bobLoad = clock.scheduleWithFixedDelay(() -> {
            try {
                bobAnswers.add(http.send(read(replicas.get(bobTurn.getAndIncrement() % 2), bob),
                        HttpResponse.BodyHandlers.ofString()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, 0, 250, TimeUnit.MILLISECONDS);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> aliceCalls.size() >= 110);
        } finally {
            aliceLoad.cancel(false);
            bobLoad.cancel(false);
            clock.shutdown();
        }
        List<HttpResponse<String>> aliceAnswers = aliceCalls.stream().map(CompletableFuture::join).toList();
        double seconds = (System.nanoTime() - started) / 1e9;

        List<HttpResponse<String>> refused = aliceAnswers.stream().filter(r -> r.statusCode() == 429).toList();
        long allowed = aliceAnswers.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(allowed + refused.size()).as("every answer to alice is a 200 or a 429").isEqualTo(aliceAnswers.size());
        // no more passed than one shared bucket allows in the time the run took (separate buckets would pass all)
        assertThat(allowed).as("alice's reads that passed in %.1f s", seconds)
                .isLessThanOrEqualTo(1 + (long) Math.ceil(seconds * 10));
        assertThat(refused.stream().map(r -> r.uri().getPort()).distinct().count())
                .as("replicas that refused alice").isEqualTo(2);
        for (HttpResponse<String> r : refused) {
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(r.body()).contains("/rate-limited");
            assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isEqualTo(1);
            assertThat(r.headers().firstValue("RateLimit-Limit")).hasValue("10");
            assertThat(r.headers().firstValue("RateLimit-Remaining")).hasValue("0");
            assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("10;w=1;policy=\"reads\"");
        }
        // (how many bob got in depends on how fast this machine answers: each of his waits for its answer)
        assertThat(bobAnswers).as("bob's reads while alice was limited").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
        assertThat(bobAnswers.stream().map(r -> r.uri().getPort()).distinct().count()).isEqualTo(2);
    }
}
