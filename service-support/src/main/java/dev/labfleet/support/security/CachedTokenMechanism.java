package dev.labfleet.support.security;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * Asked before quarkus-oidc's bearer mechanism (a higher priority): a request whose bearer token this replica verified
 * a moment ago gets that token's identity from {@link TokenIdentityCache} at once. For any other request (no token,
 * another scheme, a token not in the cache) it answers nothing and quarkus-oidc's mechanism runs as before: it reads
 * the token and verifies it in full (signature against the JWKS, issuer, audience, expiry), then the augmentors run
 * and {@link TokenIdentityCacheAugmentor} keeps what verified.
 * <p>
 * A hit skips the whole OIDC path, not only the signature check: tenant resolution, the identity provider manager and
 * the augmentor chain (the first of what a cached token still cost in the guard's overhead profile, #14;
 * docs/benchmarks.md).
 * What the identity carries is what the full path made of the same token (final, after every augmentor), so roles,
 * groups and the principal are the same; only the request it applies to is the current one.
 */
@ApplicationScoped
public class CachedTokenMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER = "Bearer ";

    private final TokenIdentityCache cache;
    private final boolean enabled = SecuritySwitch.enabled();

    public CachedTokenMechanism(TokenIdentityCache cache) {
        this.cache = cache;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!enabled || !cache.enabled()) {
            return Uni.createFrom().nullItem();
        }
        SecurityIdentity cached = cache.lookup(bearer(context.request().getHeader(HttpHeaders.AUTHORIZATION)));
        return cached == null ? Uni.createFrom().nullItem()
                : Uni.createFrom().item(TokenIdentityCache.forRequest(cached, context));
    }

    /** The token of an {@code Authorization: Bearer <token>} header (the scheme in any case, as RFC 6750 allows). */
    static String bearer(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        // a request this mechanism did not answer gets quarkus-oidc's challenge
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        // after OpenAccessMechanism (DEFAULT_PRIORITY + 1000), before quarkus-oidc's (DEFAULT_PRIORITY)
        return DEFAULT_PRIORITY + 500;
    }
}
