package dev.labfleet.project.security;

import dev.labfleet.common.security.DevIssuer;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;

/**
 * The issuer's key rotation as a running service lives it (docs/security.md): a token signed by a key published
 * after the service started is accepted (the service fetches the JWKS again for an unknown key id), tokens of the
 * previous key stay valid while it is published, and once a key is retired its tokens are refused (401) from the next
 * JWKS refresh on.
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
        given().header("Authorization", "Bearer " + first).get("/api/v1/projects").then().statusCode(401)
                .contentType("application/problem+json");
        org.assertj.core.api.Assertions.assertThat(list(second)).as("a token of a retired key").isEqualTo(401);
    }
}
