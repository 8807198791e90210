package dev.labfleet.search.security;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.common.testing.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14's bans and audit with security on (the in-process dev issuer): every authentication failure (a forged,
 * an expired and a missing token) is a 401 problem and an audit event on {@code lab.audit} (who, route, outcome,
 * address; never the token); repeated failures with credentials ban the address, which then gets 403
 * {@code address-banned} problems on every route, also with a valid token, until the ban's configured time (here
 * 4 s) has passed, and not a moment longer than it takes Redis to expire it.
 */
@QuarkusTest
@TestProfile(BanExpiryTest.ShortBans.class)
class BanExpiryTest {

    /** Bans after 2 failures with credentials, for 4 s. */
    public static class ShortBans extends SecuredProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            for (String profile : List.of("", "%test.")) {
                config.put(profile + "labfleet.guard.ban.enabled", "true");
                config.put(profile + "labfleet.guard.ban.max-failures", "2");
                config.put(profile + "labfleet.guard.ban.duration", "4s");
            }
            return config;
        }
    }

    private static final String ROUTE = "/api/v1/search?q=ban";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** A documentation address (RFC 5737) of this run, so its bans and audit key are its own. */
    private static String address() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "192.0.2." + r.nextInt(1, 255);
    }

    private static Response call(String address, String token) {
        var request = RestAssured.given().header("X-Forwarded-For", address);
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        return request.when().get(ROUTE);
    }

    @Test
    void authenticationFailuresAreAuditedAndABanEndsAfterItsConfiguredTime() {
        String address = address();
        String forged = TestIssuer.forged("mallory", "admin");
        String expired = TestIssuer.expired("late", "admin");
        String viewer = TestIssuer.viewer("vic");

        // without a token: 401, audited, but not counted towards a ban (no credentials)
        Response none = call(address, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.contentType()).startsWith("application/problem+json");
        call(address, viewer).then().statusCode(200);

        // two failures with credentials: 401 each, then the address is banned
        for (String bad : List.of(forged, expired)) {
            Response refused = call(address, bad);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.body().asString()).doesNotContain(bad);
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> call(address, viewer).statusCode() == 403);
        long bannedAt = System.nanoTime();
        Response banned = call(address, viewer);
        if (banned.statusCode() == 403) {
            assertThat(banned.contentType()).startsWith("application/problem+json");
            assertThat(banned.jsonPath().getString("type")).endsWith("/address-banned");
            assertThat(Long.parseLong(banned.header("Retry-After"))).isBetween(1L, 4L);
        }

        // the ban ends by itself after its 4 s: the valid token is served again
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> call(address, viewer).statusCode() == 200);
        assertThat(Duration.ofNanos(System.nanoTime() - bannedAt)).as("a ban of 4 s must not end at once")
                .isGreaterThan(Duration.ofMillis(1500));

        // the audit topic holds the three authentication failures and the ban, without a token
        List<CloudEvent> events = TopicReader.events(bootstrap, Topics.LAB_AUDIT, address, Duration.ofSeconds(30),
                read -> read.stream().filter(e -> "unauthenticated".equals(e.data().path("outcome").asText()))
                        .count() >= 3 && read.stream().anyMatch(e -> e.type().equals("lab.audit.address-banned")));
        List<CloudEvent> failures = events.stream()
                .filter(e -> "unauthenticated".equals(e.data().path("outcome").asText())).toList();
        assertThat(failures).hasSizeGreaterThanOrEqualTo(3).allSatisfy(e -> {
            assertThat(e.type()).isEqualTo("lab.audit.request-recorded");
            assertThat(e.data().path("status").asInt()).isEqualTo(401);
            assertThat(e.data().path("address").asText()).isEqualTo(address);
            assertThat(e.data().path("method").asText()).isEqualTo("GET");
            assertThat(e.data().path("path").asText()).isEqualTo("/api/v1/search");
        });
        assertThat(events).allSatisfy(e -> assertThat(e.data().toString()).doesNotContain(forged)
                .doesNotContain(expired).doesNotContain(viewer));
        assertThat(events).anySatisfy(e -> assertThat(e.data().path("outcome").asText()).isEqualTo("banned"));
    }
}
