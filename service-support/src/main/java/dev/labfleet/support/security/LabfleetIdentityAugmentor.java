package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Gives a token's identity what every service reads: the roles below each role the token names (admin implies
 * operator implies viewer, see {@link Roles}) and the caller's groups as the {@value Roles#GROUPS_ATTRIBUTE}
 * attribute, read from the claim {@code labfleet.security.groups-claim} names ({@code groups} by default; a path such
 * as {@code realm_access/groups} reaches into nested claims). Roles themselves come from the claim
 * {@code quarkus.oidc.roles.role-claim-path} names.
 */
@ApplicationScoped
public class LabfleetIdentityAugmentor implements SecurityIdentityAugmentor {

    private final String[] groupsPath = ConfigProvider.getConfig()
            .getOptionalValue("labfleet.security.groups-claim", String.class).orElse("groups").split("/");

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        // (an identity from TokenIdentityCache was augmented when its token was verified)
        if (identity.isAnonymous() || identity.getAttribute(OpenAccessMechanism.OPEN_ATTRIBUTE) != null
                || identity.getAttribute(TokenIdentityCache.CACHED_ATTRIBUTE) != null) {
            return Uni.createFrom().item(identity);
        }
        QuarkusSecurityIdentity.Builder builder = QuarkusSecurityIdentity.builder(identity);
        for (String role : identity.getRoles()) {
            builder.addRoles(Roles.implied(role));
        }
        Set<String> groups = new LinkedHashSet<>();
        if (identity.getPrincipal() instanceof JsonWebToken jwt) {
            Object claim = claim(jwt, groupsPath);
            if (claim instanceof Collection<?> values) {
                values.forEach(v -> groups.add(text(v)));
            } else if (claim instanceof String one) {
                groups.add(one);
            }
        }
        builder.addAttribute(Roles.GROUPS_ATTRIBUTE, Set.copyOf(groups));
        return Uni.createFrom().item(builder.build());
    }

    private static Object claim(JsonWebToken jwt, String[] path) {
        Object value = jwt.getClaim(path[0]);
        for (int i = 1; i < path.length && value != null; i++) {
            value = value instanceof Map<?, ?> map ? map.get(path[i])
                    : value instanceof jakarta.json.JsonObject json ? json.get(path[i]) : null;
        }
        return value instanceof jakarta.json.JsonArray array ? array.stream().map(LabfleetIdentityAugmentor::text).toList() : value;
    }

    private static String text(Object value) {
        return value instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(value);
    }
}
