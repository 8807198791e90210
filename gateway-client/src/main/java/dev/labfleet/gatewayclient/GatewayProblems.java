package dev.labfleet.gatewayclient;

import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;

import java.time.Duration;

/**
 * The one error mapping of calls to the gateway. The gateway answers problem+json: its status, detail and context
 * are kept (a 409 from GNS3 stays a 409, a 503 keeps its Retry-After), a 5xx other than 502/503/504 becomes a 502,
 * and a body that is no problem is described by its status. Without an answer: no answer in time is a 504, anything
 * else (refused, reset, unknown host, TLS) a 503 with Retry-After. Details are plain words, never a Java class name.
 */
public final class GatewayProblems {

    static final String WHO = "the gateway";

    private GatewayProblems() {
    }

    /** The gateway answered {@code status} (4xx/5xx) with {@code body}: the problem to pass on. */
    public static ProblemException answered(String what, int status, String body, String retryAfter) {
        return UpstreamProblems.of(what, WHO, status, body, retryAfter);
    }

    /** The operation's own timeout fired: a 504 naming the operation and the time it had. */
    public static ProblemException tooSlow(String what, Duration timeout) {
        return ProblemException.timeout(what + ": " + WHO + " did not answer within " + seconds(timeout));
    }

    /** The call failed without an answer: a 504 for any timeout, else a 503 saying what happened. */
    public static ProblemException failed(String what, Throwable failure) {
        if (failure instanceof ProblemException p) {
            return p;
        }
        if (isTimeout(failure)) {
            return ProblemException.timeout(what + ": " + WHO + " did not answer in time");
        }
        return UpstreamProblems.unreachable(what, WHO, failure);
    }

    /**
     * Whether a transport failure is a timeout: the JDK's, or Vert.x' own request timeout (which is no
     * {@link java.util.concurrent.TimeoutException}, so {@link UpstreamProblems} alone would call it a broken
     * connection, a 503 instead of a 504).
     */
    static boolean isTimeout(Throwable failure) {
        if (UpstreamProblems.isTimeout(failure)) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.core.impl.NoStackTraceTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
