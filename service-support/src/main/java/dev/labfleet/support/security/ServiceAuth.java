package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ArcContainer;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The {@code Authorization} a call to another Labfleet service carries: the caller's own bearer token while a
 * request is being served (the other service then applies the caller's roles and groups, not ours), otherwise the
 * {@link ServiceAccount}'s (the suite acting by itself). With security off, none. REST clients get it through
 * {@link ForwardAuthorization}; code that calls with Vert.x' WebClient asks {@link #authorization()}.
 */
@ApplicationScoped
public class ServiceAuth {

    public static final String HEADER = "Authorization";

    private final ServiceAccount serviceAccount;

    public ServiceAuth(ServiceAccount serviceAccount) {
        this.serviceAccount = serviceAccount;
    }

    /** The header value ({@code Bearer ...}) for a call made now, or null when none is to be sent. */
    public Uni<String> authorization() {
        String caller = callerAuthorization();
        if (caller != null) {
            return Uni.createFrom().item(caller);
        }
        if (!serviceAccount.enabled()) {
            return Uni.createFrom().nullItem();
        }
        return serviceAccount.token().map(token -> "Bearer " + token);
    }

    /** {@code options} with {@link #authorization()} added (for Vert.x' HttpClient). */
    public Uni<io.vertx.core.http.RequestOptions> sign(io.vertx.core.http.RequestOptions options) {
        return authorization().map(header -> {
            if (header != null) {
                options.putHeader(HEADER, header);
            }
            return options;
        });
    }

    /** The {@code Authorization: Bearer} header of the request being served on this context, or null. */
    public static String callerAuthorization() {
        ArcContainer container = Arc.container();
        if (container == null || !container.requestContext().isActive()) {
            return null;
        }
        RoutingContext current;
        try {
            current = container.instance(CurrentVertxRequest.class).get().getCurrent();
        } catch (RuntimeException e) {
            return null;
        }
        if (current == null) {
            return null;
        }
        String header = current.request().getHeader(HEADER);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header : null;
    }
}
