package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.support.problem.ProblemMappers;
import dev.labfleet.common.problem.ProblemTypes;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Authentication and authorization refusals as {@code application/problem+json}, like every other refusal: 401 with
 * {@code WWW-Authenticate: Bearer} without a token or with a token that does not verify (expired, wrongly signed,
 * another issuer or audience), 403 when the token's roles or groups do not allow the route. Details never repeat the
 * token nor say more about a failed check than RFC 6750 does ({@code error="invalid_token"}).
 * {@link AuthFailureHandler} answers the same way where no resource runs.
 */
public class AuthProblems {

    static final String NO_TOKEN = "this route needs a bearer token (Authorization: Bearer <token>)";
    static final String BAD_TOKEN = "the bearer token is not valid: expired, not yet valid, or not signed by the "
            + "configured issuer for this audience";
    static final String FORBIDDEN = "the caller's roles do not allow this route";
    static final String INVALID_TOKEN_CHALLENGE = "Bearer error=\"invalid_token\"";

    static boolean hasBearer(String header) {
        return header != null && !header.isBlank();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return Response.fromResponse(ProblemMappers.respond(Problem.of(ProblemTypes.UNAUTHORIZED, NO_TOKEN), uri, null))
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return Response.fromResponse(ProblemMappers.respond(Problem.of(ProblemTypes.UNAUTHORIZED, BAD_TOKEN), uri, null))
                .header("WWW-Authenticate", INVALID_TOKEN_CHALLENGE).build();
    }

    /** 403; a {@link ForbiddenException} made by {@link #forbidden(String)} carries a detail of its own. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        String detail = e.getMessage() != null && e.getMessage().startsWith(DETAIL_PREFIX)
                ? e.getMessage().substring(DETAIL_PREFIX.length()) : FORBIDDEN;
        return ProblemMappers.respond(Problem.of(ProblemTypes.FORBIDDEN, detail), uri, null);
    }

    /** A ForbiddenException whose message starts with this is answered with the rest as its detail. */
    public static final String DETAIL_PREFIX = "labfleet: ";

    public static ForbiddenException forbidden(String detail) {
        return new ForbiddenException(DETAIL_PREFIX + detail);
    }
}
