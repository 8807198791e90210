package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import dev.labfleet.support.http.HttpLimits;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemTypes;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.net.URI;

/**
 * The HTTP layer's side of {@link AuthProblems}: a token that does not verify fails during proactive authentication,
 * before any resource runs (and on WebSocket upgrades and static files), and is answered here.
 */
@Singleton
public class AuthFailureHandler {

    void install(@Observes Router router) {
        router.route().order(-10).failureHandler(this::failed);
    }

    private void failed(RoutingContext context) {
        Throwable failure = context.failure();
        if (context.response().headWritten()) {
            context.next();
            return;
        }
        URI instance = URI.create(context.request().path() == null ? "/" : context.request().path());
        if (failure instanceof AuthenticationFailedException) {
            boolean bearer = AuthProblems.hasBearer(context.request().getHeader("Authorization"));
            context.response().putHeader("WWW-Authenticate", bearer ? AuthProblems.INVALID_TOKEN_CHALLENGE : "Bearer");
            HttpLimits.answer(context, Problem.of(ProblemTypes.UNAUTHORIZED,
                    bearer ? AuthProblems.BAD_TOKEN : AuthProblems.NO_TOKEN).withInstance(instance));
        } else if (failure instanceof UnauthorizedException) {
            context.response().putHeader("WWW-Authenticate", "Bearer");
            HttpLimits.answer(context, Problem.of(ProblemTypes.UNAUTHORIZED, AuthProblems.NO_TOKEN).withInstance(instance));
        } else if (failure instanceof ForbiddenException) {
            HttpLimits.answer(context, Problem.of(ProblemTypes.FORBIDDEN, AuthProblems.FORBIDDEN).withInstance(instance));
        } else {
            context.next();
        }
    }
}
