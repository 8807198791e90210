package dev.labfleet.common.problem;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamProblemsTest {

    /** Vert.x' own timeout (NoStackTraceTimeoutException) is a TimeoutException subclass, like this one. */
    static final class SomeClientTimeoutException extends TimeoutException {
        SomeClientTimeoutException() {
            super("The timeout period of 30000ms has been exceeded while executing POST /x for server null");
        }
    }

    @Test
    void aTimeoutAnywhereInTheCausesIsA504NamingNoClass() {
        ProblemException e = UpstreamProblems.unreachable("start node", "the gateway",
                new RuntimeException(new SomeClientTimeoutException()));
        assertThat(e.problem().status()).isEqualTo(504);
        assertThat(e.problem().detail()).isEqualTo("start node: the gateway did not answer in time")
                .doesNotContain("Exception");
    }

    @Test
    void aRefusedConnectionIsA503InPlainWords() {
        ProblemException e = UpstreamProblems.unreachable("read lab", "project-service",
                new IllegalStateException(new ConnectException("Connection refused: /127.0.0.1:1")));
        assertThat(e.problem().status()).isEqualTo(503);
        assertThat(e.retryAfterSeconds()).isEqualTo(5);
        assertThat(e.problem().detail()).isEqualTo("read lab: project-service cannot be reached (connection refused)");
    }

    @Test
    void anUnknownFailureSaysSoWithoutItsClassName() {
        ProblemException e = UpstreamProblems.unreachable("x", "the gateway", new NullPointerException());
        assertThat(e.problem().status()).isEqualTo(503);
        assertThat(e.problem().detail()).doesNotContain("NullPointer").endsWith("(connection failed)");
    }

    @Test
    void aProblemPassesThrough() {
        ProblemException conflict = ProblemException.conflict("taken");
        assertThat(UpstreamProblems.unreachable("x", "y", conflict)).isSameAs(conflict);
    }

    @Test
    void aConnectionClosedResetOrRefusedBeforeAnyAnswerWasNeverAnswered() {
        // the words Vert.x' HttpClosedException and the JDK use, wrapped as REST clients wrap them
        assertThat(UpstreamProblems.neverAnswered(new RuntimeException(new IllegalStateException("Connection was closed"))))
                .isTrue();
        assertThat(UpstreamProblems.neverAnswered(new java.io.IOException("Connection reset by peer"))).isTrue();
        assertThat(UpstreamProblems.neverAnswered(new RuntimeException(new ConnectException("Connection refused"))))
                .isTrue();
        assertThat(UpstreamProblems.neverAnswered(new java.nio.channels.ClosedChannelException())).isTrue();
    }

    @Test
    void aTimeoutAnAnswerOrAnUnknownFailureIsNotNeverAnswered() {
        assertThat(UpstreamProblems.neverAnswered(new RuntimeException(new SomeClientTimeoutException()))).isFalse();
        assertThat(UpstreamProblems.neverAnswered(ProblemException.unavailable("gateway: connection was closed", 5)))
                .isFalse();
        assertThat(UpstreamProblems.neverAnswered(new NullPointerException())).isFalse();
        assertThat(UpstreamProblems.neverAnswered(new IllegalStateException("HTTP 503 Service Unavailable"))).isFalse();
    }
}
