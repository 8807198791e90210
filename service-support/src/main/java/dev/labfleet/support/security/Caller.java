package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import dev.labfleet.common.problem.Names;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.SecurityIdentity;

import java.util.Set;

/** What a service reads about its caller from the standard {@link SecurityIdentity}. */
public final class Caller {

    private Caller() {
    }

    /**
     * The identity of the request being served on this context (read from the routing context, which proactive
     * authentication filled before any route ran: never a blocking wait), or null outside a request.
     */
    public static SecurityIdentity current() {
        io.quarkus.arc.ArcContainer container = io.quarkus.arc.Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return null;
        }
        try {
            io.vertx.ext.web.RoutingContext context = container
                    .instance(io.quarkus.vertx.http.runtime.CurrentVertxRequest.class).get().getCurrent();
            if (context != null && context.user() instanceof io.quarkus.vertx.http.runtime.security.QuarkusHttpUser user) {
                return user.getSecurityIdentity();
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }

    /** The HTTP method of the request being served, or null outside a request. */
    public static String method() {
        io.quarkus.arc.ArcContainer container = io.quarkus.arc.Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return null;
        }
        try {
            io.vertx.ext.web.RoutingContext context = container
                    .instance(io.quarkus.vertx.http.runtime.CurrentVertxRequest.class).get().getCurrent();
            return context == null ? null : context.request().method().name();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@link #recorded(SecurityIdentity, String, String, int, String)} for the request being served. */
    public static String recorded(String header, String headerValue, int max, String fallback) {
        SecurityIdentity identity = current();
        if (identity == null) {
            String value = Names.requireHeader(header, headerValue, max);
            return value == null ? fallback : value;
        }
        return recorded(identity, header, headerValue, max, fallback);
    }

    /** True for the identity of a service running with {@code labfleet.security.enabled=false} (tests only). */
    public static boolean open(SecurityIdentity identity) {
        return identity.getAttribute(OpenAccessMechanism.OPEN_ATTRIBUTE) != null;
    }

    public static String name(SecurityIdentity identity) {
        return identity.isAnonymous() ? OpenAccessMechanism.NAME : identity.getPrincipal().getName();
    }

    public static boolean admin(SecurityIdentity identity) {
        return identity.hasRole(Roles.ADMIN);
    }

    public static Set<String> groups(SecurityIdentity identity) {
        Object groups = identity.getAttribute(Roles.GROUPS_ATTRIBUTE);
        if (groups instanceof Set<?> set) {
            @SuppressWarnings("unchecked")
            Set<String> names = (Set<String>) set;
            return names;
        }
        return Set.of();
    }

    /**
     * The name to record as the one who did something (a snapshot's {@code createdBy}, an apply's
     * {@code appliedBy}, an execution's {@code startedBy}): the authenticated caller. Only when security is off
     * (tests) does the legacy {@code X-Labfleet-User} header still name it (validated as before, 400 naming the
     * header), and {@code fallback} when it is absent.
     */
    public static String recorded(SecurityIdentity identity, String header, String headerValue, int max,
                                  String fallback) {
        if (open(identity)) {
            String value = Names.requireHeader(header, headerValue, max);
            return value == null ? fallback : value;
        }
        return name(identity);
    }

    /** The bearer token the caller authenticated with, or null. */
    public static String token(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            return null;
        }
        TokenCredential credential = identity.getCredential(TokenCredential.class);
        return credential == null ? null : credential.getToken();
    }
}
