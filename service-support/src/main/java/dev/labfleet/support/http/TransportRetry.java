package dev.labfleet.support.http;

import dev.labfleet.common.problem.UpstreamProblems;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Sends a call to another service again when it got no answer at all and sending it twice cannot do harm.
 *
 * <p>Services reach each other through the edge (nginx locally, a Kubernetes Service or Ingress in a cluster) over
 * pooled keep-alive connections. When a replica leaves the rotation the edge reloads, and its old workers close their
 * idle connections; a request that goes out on such a connection at that moment fails with "connection was closed"
 * before any answer. The edge retries idempotent requests on another upstream, but this hop is the caller's own: as
 * HTTP clients do for idempotent requests (RFC 9110, 9.2.2), the call is sent again on a fresh connection, at most
 * twice, within a fraction of a second. A timeout is never retried here (the call already spent its budget), nor is
 * any HTTP answer, nor a call that is not idempotent.
 */
public final class TransportRetry {

    /** Sends after the first one, on a call that was never answered. */
    public static final int RETRIES = 2;

    private TransportRetry() {
    }

    /** {@code call} (subscribed anew per attempt), sent again when it was never answered. */
    public static <T> Uni<T> idempotent(Supplier<Uni<T>> call) {
        return Uni.createFrom().deferred(call::get)
                .onFailure(UpstreamProblems::neverAnswered).retry()
                .withBackOff(Duration.ofMillis(50), Duration.ofMillis(250)).atMost(RETRIES)
                // Mutiny wraps the last failure in "Retries exhausted": callers map the transport failure itself
                .onFailure(TransportRetry::exhausted).transform(Throwable::getCause);
    }

    private static boolean exhausted(Throwable failure) {
        return failure instanceof IllegalStateException && failure.getCause() != null
                && String.valueOf(failure.getMessage()).startsWith("Retries exhausted");
    }
}
