package dev.labfleet.search.security;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.common.testing.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The acceptance of issue 14's rate limits over HTTP with real tokens (security on, the in-process dev issuer): one
 * principal sending 11 reads a second against a limit of 10 a second gets 429 problems with {@code Retry-After} and
 * the RateLimit headers, while another principal calling at the same time is never refused, and each refusal is an
 * audit event on {@code lab.audit}. (e2e's RateLimitReplicasIT runs the same against two processes of the service.)
 */
@QuarkusTest
@TestProfile(RateLimitTest.TenPerSecond.class)
class RateLimitTest {

    /** Reads: 10 a second, no burst above it (a bucket of one). */
    public static class TenPerSecond extends SecuredProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("labfleet.guard.rate-limit.reads.per-second", "10",
                    "labfleet.guard.rate-limit.reads.burst", "1");
        }
    }

    @TestHTTPResource("/api/v1/search/suggest?q=guard")
    URI route;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpRequest read(String token, String address) {
        return HttpRequest.newBuilder(route).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", address).GET().build();
    }

    @Test
    void elevenReadsASecondAgainstTenAreRefusedWhileAnotherPrincipalIsNot() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String alice = TestIssuer.viewer("alice-" + run);
        String bob = TestIssuer.viewer("bob-" + run);
        // two client addresses of this run (RFC 5737), so its audit events have keys of their own
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String aliceAddress = "198.51.100." + random.nextInt(1, 255);
        String bobAddress = "203.0.113." + random.nextInt(1, 255);

        ConcurrentLinkedQueue<CompletableFuture<HttpResponse<String>>> aliceCalls = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<HttpResponse<String>> bobAnswers = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        long started = System.nanoTime();
        // alice: 11 a second, sent without waiting for answers (the offered rate does not depend on the server)
        ScheduledFuture<?> aliceLoad = clock.scheduleAtFixedRate(
                () -> aliceCalls.add(http.sendAsync(read(alice, aliceAddress), HttpResponse.BodyHandlers.ofString())),
                0, 1_000_000 / 11, TimeUnit.MICROSECONDS);
        // bob, meanwhile: one read at a time, 0.25 s apart (well under his own 10 a second)
        ScheduledFuture<?> bobLoad = clock.scheduleWithFixedDelay(() -> {
            try {
                bobAnswers.add(http.send(read(bob, bobAddress), HttpResponse.BodyHandlers.ofString()));
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
        assertThat(refused).as("429s among alice's %d reads in %.1f s", aliceAnswers.size(), seconds).isNotEmpty();
        assertThat(allowed + refused.size()).as("every answer to alice is a 200 or a 429").isEqualTo(aliceAnswers.size());
        // no more passed than the limit allows in the time the run took (the bucket's one token plus 10 a second)
        assertThat(allowed).isLessThanOrEqualTo(1 + (long) Math.ceil(seconds * 10));
        for (HttpResponse<String> r : refused) {
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(r.body()).contains("/rate-limited").contains("\"status\":429").doesNotContain(alice);
            assertThat(Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow())).isEqualTo(1);
            assertThat(r.headers().firstValue("RateLimit-Limit")).hasValue("10");
            assertThat(r.headers().firstValue("RateLimit-Remaining")).hasValue("0");
            assertThat(r.headers().firstValue("RateLimit-Reset")).isPresent();
            assertThat(r.headers().firstValue("RateLimit-Policy")).hasValue("10;w=1;policy=\"reads\"");
        }
        HttpResponse<String> passed = aliceAnswers.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        assertThat(passed.headers().firstValue("RateLimit-Limit")).hasValue("10");

        // (how many bob got in depends on how fast this machine answers: each of his waits for its answer)
        assertThat(bobAnswers).as("bob's reads while alice was limited").hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));

        List<CloudEvent> audit = TopicReader.events(bootstrap, Topics.LAB_AUDIT, aliceAddress, Duration.ofSeconds(30),
                read -> read.stream().anyMatch(e -> "rate-limited".equals(e.data().path("outcome").asText())));
        CloudEvent event = audit.stream().filter(e -> "rate-limited".equals(e.data().path("outcome").asText()))
                .findFirst().orElseThrow();
        assertThat(event.data().path("principal").asText()).isEqualTo("alice-" + run);
        assertThat(event.data().path("authenticated").asBoolean()).isTrue();
        assertThat(event.data().path("status").asInt()).isEqualTo(429);
        assertThat(event.data().path("routeClass").asText()).isEqualTo("reads");
        assertThat(event.toString()).doesNotContain(alice);
    }
}
