package dev.labfleet.gateway.security;

import dev.labfleet.common.security.DevIssuer;
import dev.labfleet.common.security.Roles;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The verified-token cache (service-support's TokenIdentityCache) with real tokens of the in-process issuer: a
 * token's second call is answered from the cache (a hit in its metrics) with the same roles, and a cached token stops
 * working when it expires even though the cache's own TTL (5 minutes here) is far away; a token signed by another key
 * is refused however similar its claims are to a cached one.
 */
@QuarkusTest
@TestProfile(TokenCacheTest.LongTtl.class)
class TokenCacheTest {

    /** A TTL no test waits for: only the token's exp can end its entry. */
    public static class LongTtl extends SecuredProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("labfleet.security.token-cache.ttl", "5m");
        }
    }

    @Inject
    MeterRegistry registry;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private double hits() {
        FunctionCounter counter = registry.find("cache.gets").tag("cache", "labfleet-token-identities")
                .tag("result", "hit").functionCounter();
        return counter == null ? 0 : counter.count();
    }

    private static int servers(String token) {
        return given().header("Authorization", "Bearer " + token).get("/api/v1/servers").statusCode();
    }

    private static String viewerUntil(String user, Instant exp) {
        DevIssuer.SigningKey key = DevIssuer.signingKey(TestIssuer.issuer().dir());
        return Jwt.issuer(TestIssuer.issuer().issuer()).subject(user).preferredUserName(user)
                .claim("roles", List.of(Roles.VIEWER)).groups(Set.of()).issuedAt(Instant.now()).expiresAt(exp)
                .jws().keyId(key.kid()).sign(key.privateKey());
    }

    @Test
    void aCachedTokenEndsAtItsExpiryAndKeepsItsRoles() {
        // (a token's exp is in whole seconds)
        Instant exp = Instant.now().plusSeconds(20).truncatedTo(ChronoUnit.SECONDS);
        String token = viewerUntil("cara-" + run, exp);
        assertThat(servers(token)).as("first call: verified").isEqualTo(200);
        double before = hits();
        assertThat(servers(token)).as("second call").isEqualTo(200);
        assertThat(hits()).as("cache hits after the second call").isGreaterThan(before);
        // the cached identity is still only a viewer's: registering a server needs an admin
        given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body("{\"name\":\"nope-" + run + "\",\"url\":\"http://127.0.0.1:9\"}").post("/api/v1/servers")
                .then().statusCode(403).contentType("application/problem+json");
        // a token of another key, claims alike, is verified (and refused), not matched to the cached one
        assertThat(servers(TestIssuer.forged("cara-" + run, Roles.VIEWER))).isEqualTo(401);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> servers(token) == 401);
        assertThat(Instant.now()).as("refused only once expired").isAfterOrEqualTo(exp);
        given().header("Authorization", "Bearer " + token).get("/api/v1/servers").then().statusCode(401)
                .contentType("application/problem+json");
    }
}
