package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * With {@code labfleet.security.enabled=false} (the {@code %test} profile only), every request is authenticated as
 * {@value #NAME} holding every role, so that routes keep their {@code @RolesAllowed} and functional tests need no
 * token. With security on (the default) it steps aside and the OIDC bearer mechanism decides.
 */
@ApplicationScoped
public class OpenAccessMechanism implements HttpAuthenticationMechanism {

    public static final String NAME = "anonymous";
    /** Marks the open identity (see {@link Caller#open}). */
    public static final String OPEN_ATTRIBUTE = "labfleet.open";

    private static final SecurityIdentity OPEN = QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(NAME))
            .addRoles(Set.copyOf(Roles.ALL))
            .addAttribute(OPEN_ATTRIBUTE, Boolean.TRUE)
            .addAttribute(Roles.GROUPS_ATTRIBUTE, Set.of())
            .build();

    private final boolean enabled = SecuritySwitch.enabled();

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        return enabled ? Uni.createFrom().nullItem() : Uni.createFrom().item(OPEN);
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    @Override
    public int getPriority() {
        // asked before the OIDC mechanism (DEFAULT_PRIORITY)
        return DEFAULT_PRIORITY + 1000;
    }
}
