package dev.labfleet.common.problem;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * What a service answers when another Labfleet service it called answered with an error: the callee's problem
 * (status, detail, context) is passed on, a 5xx other than 502/503/504 becomes a 502, and a body that is no problem
 * document is described by its status. Never a 500 made up here.
 */
public final class UpstreamProblems {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private UpstreamProblems() {
    }

    /**
     * @param what       the call, for the detail ("create project")
     * @param who        the callee, for the detail ("the gateway")
     * @param retryAfter the callee's Retry-After header, or null
     */
    public static ProblemException of(String what, String who, int status, String body, String retryAfter) {
        Problem problem = null;
        try {
            if (body != null && !body.isBlank()) {
                problem = MAPPER.readValue(body, Problem.class);
            }
        } catch (IOException | RuntimeException ignored) {
            // not a problem document: described below
        }
        if (problem == null || problem.status() == 0) {
            int mapped = status >= 500 ? 502 : status;
            problem = Problem.of(ProblemTypes.forStatus(mapped), what + ": " + who + " answered " + status);
        } else if (problem.status() >= 500 && problem.status() != 502 && problem.status() != 503
                && problem.status() != 504) {
            problem = Problem.of(ProblemTypes.UPSTREAM_ERROR, what + ": " + who + " failed (" + problem.detail() + ")");
        }
        Integer seconds = null;
        if (retryAfter != null) {
            try {
                seconds = Integer.parseInt(retryAfter.trim());
            } catch (NumberFormatException ignored) {
                // an HTTP date: let the client decide
            }
        }
        return new ProblemException(problem.withInstance(null).withTraceId(null), seconds, null);
    }
}
