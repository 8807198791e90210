package dev.labfleet.project.security;

import dev.labfleet.common.security.DevIssuer;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * The issuer's key rotation as a running service lives it (docs/security.md): a token signed by a key published
 * after the service started is accepted (the service fetches the JWKS again for an unknown key id), tokens of the
 * previous key stay valid while it is published, and once a key is retired its tokens are refused (401) from the next
 * JWKS refresh on (a token verified just before: at most the verified-token cache's TTL later).
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class KeyRotationTest {

    private static int list(String token) {
        return given().header("Authorization", "Bearer " + token).get("/api/v1/projects").statusCode();
    }

    @Test
    void newKeysAreAcceptedAndRetiredKeysRefused() throws Exception {
        String first = TestIssuer.viewer("vera");
        org.assertj.core.api.Assertions.assertThat(list(first)).isEqualTo(200);

        DevIssuer.rotate(TestIssuer.issuer().dir(), 2);
        String second = TestIssuer.viewer("vera");
        org.assertj.core.api.Assertions.assertThat(list(second)).as("a token of the new key").isEqualTo(200);
        org.assertj.core.api.Assertions.assertThat(list(first)).as("a token of the previous key").isEqualTo(200);

        DevIssuer.rotate(TestIssuer.issuer().dir(), 1);
        String third = TestIssuer.viewer("vera");
        org.assertj.core.api.Assertions.assertThat(list(third)).as("a token of the newest key").isEqualTo(200);
        // a token this service verified a moment ago is believed until its entry in the verified-token cache ends
        // (labfleet.security.token-cache.ttl, 5 s by default; service-support's TokenIdentityCache), then verified
        // again against the refreshed JWKS, and refused
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> list(first) == 401);
        given().header("Authorization", "Bearer " + first).get("/api/v1/projects").then().statusCode(401)
                .contentType("application/problem+json");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> list(second) == 401);
    }
}
