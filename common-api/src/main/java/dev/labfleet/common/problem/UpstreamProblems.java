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

    /**
     * What a service answers when a call to another service failed without an answer: no answer in time is a 504,
     * anything else (refused, reset, unknown host, TLS) a 503 with Retry-After. The detail says what happened in
     * plain words, never a Java class name.
     *
     * @param what the call, for the detail ("start node")
     * @param who  the callee, for the detail ("the gateway")
     */
    public static ProblemException unreachable(String what, String who, Throwable failure) {
        if (failure instanceof ProblemException p) {
            return p;
        }
        if (isTimeout(failure)) {
            return ProblemException.timeout(what + ": " + who + " did not answer in time");
        }
        return ProblemException.unavailable(what + ": " + who + " cannot be reached (" + describe(failure) + ")", 5);
    }

    /** Whether a transport failure is the lack of an answer in time (any timeout in its causes). */
    public static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException
                    || t instanceof java.net.http.HttpTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a call failed without any answer from the other side although it was not a timeout: the connection
     * was refused, or closed or reset before a response began (a pooled keep-alive connection the server, or the edge
     * reloading in front of it, closed as the request went out). Sending an idempotent request again is then safe;
     * a timeout is not in this class (the call already waited its budget), nor is any HTTP answer.
     */
    public static boolean neverAnswered(Throwable failure) {
        if (failure instanceof ProblemException || isTimeout(failure)) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.nio.channels.ClosedChannelException) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(java.util.Locale.ROOT);
            if (message.contains("connection was closed") || message.contains("connection reset")
                    || message.contains("connection refused")) {
                return true;
            }
        }
        return false;
    }

    /** A transport failure in plain words, for a problem's detail (no class names, no stack). */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException) {
                return "no answer in time";
            }
            if (t instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS failed";
            }
            if (t instanceof java.nio.channels.ClosedChannelException) {
                return "connection closed before the answer";
            }
            String message = t.getMessage();
            if (message != null && message.toLowerCase(java.util.Locale.ROOT).contains("connection was closed")) {
                return "connection closed before the answer";
            }
            if (t instanceof java.io.IOException) {
                return "connection broken";
            }
        }
        return "connection failed";
    }
}
