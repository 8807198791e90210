package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import dev.labfleet.support.http.HttpLimits;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemTypes;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.net.URI;

/**
 * No {@code /api/} path (nor {@code /graphql}) answers anything to a caller without a valid token, not even a 404, 405 or 415: a 401
 * problem comes first, before any route is matched or any body read. The route's own {@code @RolesAllowed} then
 * decides what an authenticated caller may do. Everything else ({@code /q/health}, {@code /q/metrics},
 * {@code /q/openapi}, the dashboard page's files, the event contract under {@code /asyncapi/}) is public.
 */
@Singleton
public class ApiAuthentication {

    void install(@Observes Router router) {
        // after proactive authentication (which runs before every route), before body handling and the resources
        router.route("/api/*").order(-4).handler(this::check);
        // search-service's GraphQL endpoint: the same rule (ahead of its own gate, order -1)
        router.route("/graphql").order(-4).handler(this::check);
    }

    private void check(RoutingContext context) {
        if (context.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous()) {
            context.next();
            return;
        }
        context.response().putHeader("WWW-Authenticate", "Bearer");
        String length = context.request().getHeader("Content-Length");
        if (length != null && !"0".equals(length.trim()) || context.request().getHeader("Transfer-Encoding") != null) {
            // the body is not read: the connection cannot carry another request
            context.response().putHeader("Connection", "close");
        }
        HttpLimits.answer(context, Problem.of(ProblemTypes.UNAUTHORIZED, AuthProblems.NO_TOKEN)
                .withInstance(URI.create(context.request().path())));
    }
}
