package dev.labfleet.support.security;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The last augmentor: keeps the final identity of a bearer token that quarkus-oidc just verified in
 * {@link TokenIdentityCache} (an identity that came from the cache, or from another mechanism, is left alone).
 */
@ApplicationScoped
public class TokenIdentityCacheAugmentor implements SecurityIdentityAugmentor {

    private final TokenIdentityCache cache;

    public TokenIdentityCacheAugmentor(TokenIdentityCache cache) {
        this.cache = cache;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        cache.remember(identity);
        return Uni.createFrom().item(identity);
    }

    @Override
    public int priority() {
        // after every other augmentor (higher priorities run first)
        return Integer.MIN_VALUE + 1;
    }
}
