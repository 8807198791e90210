package dev.labfleet.support.security;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Asked before quarkus-oidc's identity provider (a higher priority): answers a bearer token this replica verified a
 * moment ago from {@link TokenIdentityCache}; for any other token it answers nothing, and Quarkus asks the next
 * provider, quarkus-oidc, which verifies the token in full (signature against the JWKS, issuer, audience, expiry).
 * {@link TokenIdentityCacheAugmentor} keeps what verified.
 */
@ApplicationScoped
public class CachedTokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {

    private final TokenIdentityCache cache;

    public CachedTokenIdentityProvider(TokenIdentityCache cache) {
        this.cache = cache;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        if (!cache.enabled() || !(request.getToken() instanceof AccessTokenCredential credential)) {
            return Uni.createFrom().nullItem();
        }
        SecurityIdentity cached = cache.lookup(credential.getToken());
        if (cached == null) {
            return Uni.createFrom().nullItem();
        }
        return Uni.createFrom().item(TokenIdentityCache.forRequest(cached, HttpSecurityUtils.getRoutingContextAttribute(request)));
    }

    @Override
    public int priority() {
        return SYSTEM_FIRST + 100;
    }
}
