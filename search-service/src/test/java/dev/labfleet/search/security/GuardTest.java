package dev.labfleet.search.security;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.Topics;
import dev.labfleet.support.guard.Ban;
import dev.labfleet.support.guard.BanStore;
import dev.labfleet.support.guard.GuardSettings;
import dev.labfleet.support.guard.RateLimiter;
import dev.labfleet.common.testing.TopicReader;
import io.quarkus.redis.client.RedisClientName;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * common-api's guard on a real service, Redis and Kafka: rate limits per caller shared by replicas, bans, and the
 * audit events of what it refused, indexed by this service.
 */
@QuarkusTest
@TestProfile(GuardTest.LowLimits.class)
class GuardTest {

    /**
     * Reads: 1 a second, bursts of 5 (a rate that a test client on a loaded machine surely exceeds; the bean test
     * below holds 10 a second); bans after 3 authentication failures.
     */
    public static class LowLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("labfleet.guard.rate-limit.reads.per-second", "1",
                    "labfleet.guard.rate-limit.reads.burst", "5",
                    "labfleet.guard.ban.enabled", "true",
                    "labfleet.guard.ban.max-failures", "3");
        }
    }

    @Inject
    ReactiveRedisDataSource redis;
    @Inject
    @RedisClientName("replica2")
    ReactiveRedisDataSource replica2;
    @Inject
    BanStore bans;
    @ConfigProperty(name = "labfleet.guard.key-prefix")
    String prefix;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** A documentation address (RFC 5737) of this run, so that its buckets, bans and audit key are its own. */
    private static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.51." + r.nextInt(100, 200) + "." + r.nextInt(1, 255);
    }

    @Test
    void aPrincipalOverItsLimitIsRefusedOnBothReplicasWhileAnotherIsNot() {
        // two limiters over two independent Redis connection pools: two replicas of one service
        RateLimiter one = new RateLimiter(redis);
        RateLimiter two = new RateLimiter(replica2);
        GuardSettings.Limit tenPerSecond = new GuardSettings.Limit(10, 10);
        String alice = prefix + "it:" + UUID.randomUUID() + ":alice";
        String bob = prefix + "it:" + UUID.randomUUID() + ":bob";
        long started = System.nanoTime();
        List<Uni<RateLimiter.Decision>> calls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            calls.add((i % 2 == 0 ? one : two).acquire(alice, tenPerSecond));
        }
        List<RateLimiter.Decision> decisions = Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - started) / 1e9;
        long allowed = decisions.stream().filter(RateLimiter.Decision::allowed).count();
        // the bucket holds 10 and gains 10 a second: no more than that passed, whichever replica was asked
        assertThat(allowed).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(10 + (long) Math.ceil(seconds * 10));
        List<RateLimiter.Decision> refused = decisions.stream().filter(d -> !d.allowed()).toList();
        assertThat(refused).isNotEmpty();
        assertThat(refused).allSatisfy(d -> {
            assertThat(d.retryAfterMillis()).isBetween(1L, 100L);
            assertThat(d.retryAfterSeconds()).isEqualTo(1);
        });
        // bob shares nothing with alice
        for (int i = 0; i < 10; i++) {
            assertThat((i % 2 == 0 ? one : two).acquire(bob, tenPerSecond).await().atMost(Duration.ofSeconds(10)).allowed())
                    .as("bob's request %d", i).isTrue();
        }
    }

    /** A cheap guarded read (Redis only), from {@code address} behind the edge. */
    private static Response read(String address) {
        return RestAssured.given().header("X-Forwarded-For", address).when().get("/api/v1/security/bans");
    }

    @Test
    void overTheReadLimitTheAnswerIs429WithRetryAfterAndRateLimitHeadersAndItIsAudited() {
        String a = address();
        String b = address();
        Response first = read(a);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.header("RateLimit-Limit")).isEqualTo("5");
        assertThat(first.header("RateLimit-Remaining")).isEqualTo("4");
        assertThat(first.header("RateLimit-Policy")).isEqualTo("5;w=5;policy=\"reads\"");
        // 40 reads at once (well over 5 and 1 a second, however slow this machine is)
        long burstStarted = System.nanoTime();
        List<Response> answers = parallel(40, () -> read(a));
        long burstMs = (System.nanoTime() - burstStarted) / 1_000_000;
        Response limited = answers.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow(
                () -> new AssertionError("40 reads at once against 1 a second were never refused (in " + burstMs + " ms): "
                        + answers.stream().map(r -> r.statusCode() + "/" + r.header("RateLimit-Remaining")).toList()));
        assertThat(limited.contentType()).startsWith("application/problem+json");
        assertThat(limited.jsonPath().getString("type")).endsWith("/rate-limited");
        assertThat(limited.jsonPath().getInt("status")).isEqualTo(429);
        assertThat(limited.jsonPath().getString("routeClass")).isEqualTo("reads");
        assertThat(Integer.parseInt(limited.header("Retry-After"))).isBetween(1, 2);
        assertThat(limited.header("RateLimit-Remaining")).isEqualTo("0");
        // another client address is unaffected
        read(b).then().statusCode(200).header("RateLimit-Remaining", "4");
        // and the limited one may call again once its bucket has a token
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> read(a).statusCode() == 200);

        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUDIT, a, Duration.ofSeconds(30),
                read -> read.stream().anyMatch(e -> "rate-limited".equals(e.data().path("outcome").asText())));
        CloudEvent audit = events.stream().filter(e -> "rate-limited".equals(e.data().path("outcome").asText()))
                .findFirst().orElseThrow();
        assertThat(audit.type()).isEqualTo("lab.audit.request-recorded");
        assertThat(audit.data().path("status").asInt()).isEqualTo(429);
        assertThat(audit.data().path("principal").asText()).isEqualTo("anonymous");
        assertThat(audit.data().path("address").asText()).isEqualTo(a);
        assertThat(audit.data().path("method").asText()).isEqualTo("GET");
        assertThat(audit.data().path("path").asText()).isEqualTo("/api/v1/security/bans");
        assertThat(audit.data().path("service").asText()).isEqualTo("search");
        assertThat(audit.source().toString()).isEqualTo("/labfleet/search-service");
        // successful reads are not audited
        assertThat(events).allSatisfy(e -> assertThat(e.data().path("status").asInt()).isNotEqualTo(200));
    }

    private static List<Response> parallel(int n, java.util.function.Supplier<Response> call) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            List<java.util.concurrent.Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(call::get));
            }
            List<Response> out = new ArrayList<>();
            for (java.util.concurrent.Future<Response> f : futures) {
                out.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBanOrALiftOnAnotherReplicaReachesThisOneAlthoughItRemembersAnswers() {
        String c = address();
        read(c).then().statusCode(200); // this replica now remembers "not banned" for labfleet.guard.ban.cache-ttl
        // another replica: its own Redis connections, the same keys
        BanStore other = BanStore.of(replica2, dev.labfleet.support.guard.GuardSettings.fromConfig());
        other.ban(c, Duration.ofMinutes(5)).await().atMost(Duration.ofSeconds(10));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> read(c).statusCode() == 403);
        other.lift(c).await().atMost(Duration.ofSeconds(10));
        // (reads of this address are limited to 1 a second: a poll may be a 429 until a token is back)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> read(c).statusCode() == 200);
    }

    @Test
    void anAddressThatKeepsFailingIsBannedUntilAnAdminLiftsTheBan() {
        String c = address();
        assertThat(bans.recordFailure(c).await().atMost(Duration.ofSeconds(10))).isEmpty();
        assertThat(bans.recordFailure(c).await().atMost(Duration.ofSeconds(10))).isEmpty();
        Ban ban = bans.recordFailure(c).await().atMost(Duration.ofSeconds(10)).orElseThrow();
        assertThat(ban.address()).isEqualTo(c);
        assertThat(ban.failures()).isEqualTo(3);
        assertThat(ban.until()).isAfter(ban.since());

        RestAssured.given().when().get("/api/v1/security/bans").then().statusCode(200).body("address", hasItem(c));
        Response banned = read(c);
        assertThat(banned.statusCode()).isEqualTo(403);
        assertThat(banned.contentType()).startsWith("application/problem+json");
        assertThat(banned.jsonPath().getString("type")).endsWith("/address-banned");
        assertThat(Long.parseLong(banned.header("Retry-After"))).isPositive();
        // every route under /api is closed to it, not only the one that failed
        RestAssured.given().header("X-Forwarded-For", c).when().get("/api/v1/security/bans").then().statusCode(403);

        RestAssured.given().when().delete("/api/v1/security/bans/" + c).then().statusCode(204);
        read(c).then().statusCode(200);
        RestAssured.given().when().get("/api/v1/security/bans").then().statusCode(200).body("address", not(hasItem(c)));
        RestAssured.given().when().delete("/api/v1/security/bans/" + c).then().statusCode(404)
                .contentType("application/problem+json");

        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUDIT, c, Duration.ofSeconds(30),
                read -> read.stream().anyMatch(e -> e.type().equals("lab.audit.ban-lifted")));
        assertThat(events).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("lab.audit.request-recorded");
            assertThat(e.data().path("outcome").asText()).isEqualTo("banned");
            assertThat(e.data().path("status").asInt()).isEqualTo(403);
        });
        assertThat(events).anySatisfy(e -> assertThat(e.data().path("by").asText()).isEqualTo("anonymous"));
    }

    @Test
    void anAdminBansByHandAndBadBansAreProblems() {
        String d = address();
        RestAssured.given().contentType("application/json").body(Map.of("address", d, "duration", "PT1M"))
                .when().post("/api/v1/security/bans").then().statusCode(201).body("address", equalTo(d));
        read(d).then().statusCode(403);
        RestAssured.given().contentType("application/json").body(Map.of("address", "not-an-address"))
                .when().post("/api/v1/security/bans").then().statusCode(400).contentType("application/problem+json");
        RestAssured.given().contentType("application/json").body(Map.of("address", "203.0.113.9", "duration", "P365D"))
                .when().post("/api/v1/security/bans").then().statusCode(400).contentType("application/problem+json")
                .body("violations.field", hasItem("duration"));
        RestAssured.given().when().delete("/api/v1/security/bans/" + d).then().statusCode(204);
    }

    @Test
    void theAuditTrailIsSearchableAndTheSecurityDashboardShowsDenialsAndBans() {
        String e = address();
        String f = address();
        bans.ban(f, Duration.ofMinutes(1)).await().atMost(Duration.ofSeconds(10));
        try {
            // each poll makes a new denial: the test's consumer group starts at the latest offsets once assigned
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                read(f);
                return RestAssured.given().queryParam("address", f).queryParam("outcome", "banned")
                        .when().get("/api/v1/security/audit").jsonPath().getList("$").size() > 0;
            });
            RestAssured.given().queryParam("address", f).when().get("/api/v1/security/audit").then().statusCode(200)
                    .body("[0].type", equalTo("lab.audit.request-recorded"))
                    .body("[0].status", equalTo(403))
                    .body("[0].principal", equalTo("anonymous"));
            RestAssured.given().queryParam("limit", 0).when().get("/api/v1/security/audit").then().statusCode(400)
                    .contentType("application/problem+json");
            RestAssured.given().queryParam("since", "yesterday").when().get("/api/v1/security/audit").then()
                    .statusCode(400).body("violations.field", hasItem("since"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    RestAssured.given().header("X-Forwarded-For", e).when().get("/api/v1/dashboards/security")
                            .then().statusCode(200)
                            .body("sections.authenticationFailures.status", equalTo("ok"))
                            .body("sections.authenticationFailures.data.topAddresses.address", hasItem(f))
                            .body("sections.bans.data.address", hasItem(f)));
        } finally {
            bans.lift(f).await().atMost(Duration.ofSeconds(10));
        }
    }
}
