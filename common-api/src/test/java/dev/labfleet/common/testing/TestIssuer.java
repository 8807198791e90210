package dev.labfleet.common.testing;

import dev.labfleet.common.security.DevIssuer;
import dev.labfleet.common.security.Roles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A real OIDC issuer for a service's security tests, in-process: the dev issuer (a key pair in a temporary
 * directory, its discovery document and JWKS served over HTTP on a free port, the client-credentials endpoint of
 * the service account), with tokens signed by smallrye-jwt-build. The service under test verifies them with
 * quarkus-oidc against the JWKS, as in production; nothing is mocked. Used through {@link SecuredProfile}.
 */
public class TestIssuer implements QuarkusTestResourceLifecycleManager {

    private static volatile DevIssuer issuer;

    @Override
    public Map<String, String> start() {
        try {
            Path dir = Files.createTempDirectory("labfleet-test-issuer-");
            issuer = DevIssuer.start(dir, 0, null);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the test issuer did not start", e);
        }
        Map<String, String> config = new HashMap<>();
        for (String profile : List.of("", "%test.")) {
            config.put(profile + "labfleet.security.enabled", "true");
            config.put(profile + "quarkus.oidc.tenant-enabled", "true");
            config.put(profile + "quarkus.oidc.auth-server-url", issuer.issuer());
            // rotation tests: a token with a new key id makes the service fetch the JWKS again at once
            config.put(profile + "quarkus.oidc.token.forced-jwk-refresh-interval", "0S");
            config.put(profile + "labfleet.security.service-account.secret-file",
                    issuer.dir().resolve("client-secret").toString());
        }
        return config;
    }

    @Override
    public void stop() {
        DevIssuer running = issuer;
        if (running != null) {
            running.close();
        }
    }

    public static DevIssuer issuer() {
        return issuer;
    }

    /** A token of {@code user} with {@code role}, valid for ten minutes, in {@code groups}. */
    public static String token(String user, String role, String... groups) {
        return claims(user, List.of(role), Set.of(groups)).expiresIn(600).jws()
                .keyId(DevIssuer.signingKey(issuer.dir()).kid()).sign(DevIssuer.signingKey(issuer.dir()).privateKey());
    }

    public static String viewer(String user, String... groups) {
        return token(user, Roles.VIEWER, groups);
    }

    public static String operator(String user, String... groups) {
        return token(user, Roles.OPERATOR, groups);
    }

    public static String admin(String user) {
        return token(user, Roles.ADMIN);
    }

    /** A token that expired a minute ago (beyond any clock skew the verifier allows). */
    public static String expired(String user, String role) {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        return claims(user, List.of(role), Set.of()).issuedAt(past).expiresAt(past.plus(Duration.ofMinutes(5)))
                .jws().keyId(DevIssuer.signingKey(issuer.dir()).kid())
                .sign(DevIssuer.signingKey(issuer.dir()).privateKey());
    }

    /** A well-formed token with the issuer's name and key id, signed by another key. */
    public static String forged(String user, String role) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair other = generator.generateKeyPair();
            return claims(user, List.of(role), Set.of()).expiresIn(600).jws()
                    .keyId(DevIssuer.signingKey(issuer.dir()).kid()).sign(other.getPrivate());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token signed by the issuer's key but naming another issuer. */
    public static String otherIssuer(String user, String role) {
        return Jwt.issuer("http://issuer.invalid").subject(user).preferredUserName(user)
                .claim("roles", List.of(role)).expiresIn(600).jws()
                .keyId(DevIssuer.signingKey(issuer.dir()).kid()).sign(DevIssuer.signingKey(issuer.dir()).privateKey());
    }

    private static JwtClaimsBuilder claims(String user, List<String> roles, Set<String> groups) {
        return Jwt.issuer(issuer.issuer()).subject(user).preferredUserName(user).claim("roles", roles)
                .groups(groups);
    }
}
