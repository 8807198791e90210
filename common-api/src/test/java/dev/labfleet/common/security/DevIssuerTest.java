package dev.labfleet.common.security;

import org.jose4j.jwk.HttpsJwks;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.jwt.consumer.JwtConsumer;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.resolvers.HttpsJwksVerificationKeyResolver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dev issuer as a verifier sees it: its tokens verify with jose4j (the library quarkus-oidc verifies with)
 * against the JWKS it serves over HTTP, key rotation keeps the previous key's tokens valid until that key is retired,
 * and the client-credentials endpoint gives the service account a token only for the right secret.
 */
class DevIssuerTest {

    @TempDir
    Path dir;
    private DevIssuer issuer;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        issuer = DevIssuer.start(dir, 0, null);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    private JwtClaims verify(String token) throws InvalidJwtException {
        HttpsJwks jwks = new HttpsJwks(issuer.issuer() + "/jwks");
        JwtConsumer consumer = new JwtConsumerBuilder().setRequireExpirationTime().setExpectedIssuer(issuer.issuer())
                .setVerificationKeyResolver(new HttpsJwksVerificationKeyResolver(jwks)).setSkipDefaultAudienceValidation()
                .build();
        return consumer.processToClaims(token);
    }

    @Test
    void aUserTokenVerifiesAgainstTheServedJwks() throws Exception {
        String token = issuer.token("alice", List.of(Roles.OPERATOR), List.of("ccna"), Duration.ofHours(8));
        JwtClaims claims = verify(token);
        assertThat(claims.getSubject()).isEqualTo("alice");
        assertThat(claims.getStringClaimValue("preferred_username")).isEqualTo("alice");
        assertThat(claims.getStringListClaimValue("roles")).containsExactly("operator");
        assertThat(claims.getStringListClaimValue("groups")).containsExactly("ccna");
        assertThat(claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue()).isEqualTo(8 * 3600);
        // tampering with the payload breaks the signature
        String[] parts = token.split("\\.");
        String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("operator", "admin")
                .getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> verify(parts[0] + "." + admin + "." + parts[2])).isInstanceOf(InvalidJwtException.class);
    }

    @Test
    void discoveryNamesTheJwksAndTokenEndpoint() throws Exception {
        String body = http.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + "/.well-known/openid-configuration"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).contains("\"issuer\":\"" + issuer.issuer() + "\"").contains("\"jwks_uri\":\"" + issuer.issuer()
                + "/jwks\"").contains("\"token_endpoint\":\"" + issuer.issuer() + "/token\"");
    }

    @Test
    void rotationKeepsThePreviousKeyUntilItIsRetired() throws Exception {
        String before = issuer.token("alice", List.of(Roles.VIEWER), List.of(), Duration.ofMinutes(5));
        DevIssuer.rotate(dir, 2);
        String after = issuer.token("alice", List.of(Roles.VIEWER), List.of(), Duration.ofMinutes(5));
        assertThat(header(after)).isNotEqualTo(header(before));
        assertThat(verify(before).getSubject()).isEqualTo("alice");
        assertThat(verify(after).getSubject()).isEqualTo("alice");
        DevIssuer.rotate(dir, 1);
        assertThatThrownBy(() -> verify(before)).isInstanceOf(InvalidJwtException.class);
        assertThatThrownBy(() -> verify(after)).isInstanceOf(InvalidJwtException.class);
        assertThat(verify(issuer.token("alice", List.of(Roles.VIEWER), List.of(), Duration.ofMinutes(5)))
                .getSubject()).isEqualTo("alice");
    }

    @Test
    void keysAndSecretAreReadableByTheOwnerOnly() throws Exception {
        try (var keys = Files.list(dir.resolve("keys"))) {
            for (Path key : keys.toList()) {
                assertThat(Files.getPosixFilePermissions(key)).containsExactlyInAnyOrder(
                        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            }
        }
        assertThat(Files.getPosixFilePermissions(dir.resolve("client-secret"))).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(DevIssuer.jwks(dir)).doesNotContain("\"d\"").doesNotContain("\"p\"");
    }

    @Test
    void theServiceAccountGetsATokenForItsSecretOnly() throws Exception {
        String secret = DevIssuer.clientSecret(dir);
        HttpResponse<String> ok = token("grant_type=client_credentials&client_id=labfleet-suite&client_secret=" + secret);
        assertThat(ok.statusCode()).isEqualTo(200);
        String accessToken = ok.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        JwtClaims claims = verify(accessToken);
        assertThat(claims.getStringClaimValue("preferred_username")).isEqualTo("service:labfleet-suite");
        assertThat(claims.getStringListClaimValue("roles")).containsExactly("admin");
        assertThat(token("grant_type=client_credentials&client_id=labfleet-suite&client_secret=wrong").statusCode())
                .isEqualTo(401);
        assertThat(token("grant_type=password&client_id=labfleet-suite&client_secret=" + secret).statusCode())
                .isEqualTo(400);
    }

    private HttpResponse<String> token(String form) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(issuer.issuer() + "/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String header(String token) {
        return new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8);
    }
}
