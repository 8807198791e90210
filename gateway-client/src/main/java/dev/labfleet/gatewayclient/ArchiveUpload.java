package dev.labfleet.gatewayclient;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;

/**
 * A .gns3project archive as it arrives in a client's request, written on to the gateway chunk by chunk as it
 * comes, with backpressure both ways: it is never held whole in memory, and it is counted against the import limit
 * while it streams. A body beyond the limit stops the upload at once (the gateway's request is reset, nothing is
 * imported) and is answered 413; the rest of what the client sends is read and dropped, up to as much again, so the
 * client sees the answer.
 */
public final class ArchiveUpload {

    private final HttpServerRequest source;
    private final long limit;
    private boolean started;
    private final Promise<Long> received = Promise.promise();

    /** Pauses {@code source} at once: nothing is read until {@link #sendTo} has somewhere to write it. */
    public ArchiveUpload(HttpServerRequest source, long limit) {
        this.source = source;
        this.limit = limit;
        source.pause();
    }

    /**
     * Completes with the archive's size once the client sent all of it (and it was not refused): from then on the
     * import no longer needs the client's connection. Never completes for an upload refused or cut short.
     */
    public Future<Long> received() {
        return received.future();
    }

    /** The bytes the client declared (Content-Length), or -1 for a chunked body. */
    public long declaredLength() {
        String length = source.getHeader("Content-Length");
        try {
            return length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Writes the archive as {@code out}'s body.
     *
     * @return the gateway's response; fails with a 413 problem when the archive grows beyond the limit and a 400
     *         when it is empty
     */
    Future<HttpClientResponse> sendTo(HttpClientRequest out) {
        started = true;
        Promise<HttpClientResponse> answer = Promise.promise();
        long declared = declaredLength();
        if (declared >= 0) {
            out.putHeader("Content-Length", Long.toString(declared));
        } else {
            out.setChunked(true);
        }
        long[] read = {0};
        boolean[] refused = {false};
        boolean[] ended = {false};
        source.handler(chunk -> {
            read[0] += chunk.length();
            if (refused[0]) {
                // refused: the rest is read and dropped, so the client gets the answer
                if (read[0] > 2 * limit) {
                    source.connection().close(); // a client that will not stop: no more reading for it
                }
                return;
            }
            if (read[0] > limit) {
                refused[0] = true;
                // the answer first: resetting the gateway's request fails its response too
                answer.tryFail(new ProblemException(Problem.of(ProblemTypes.PAYLOAD_TOO_LARGE,
                        "the archive is larger than " + limit + " bytes, the most an import takes")));
                out.reset();
                return;
            }
            out.write(chunk);
            if (out.writeQueueFull()) {
                source.pause();
                out.drainHandler(v -> source.resume());
            }
        });
        source.exceptionHandler(e -> {
            // the client's connection closed mid-upload (or broke): the import cannot finish, and says why
            answer.tryFail(ProblemException.badRequest("the archive's upload ended early: the client's connection "
                    + "closed after " + read[0] + " bytes"));
            out.reset();
        });
        source.endHandler(v -> {
            ended[0] = true;
            if (refused[0]) {
                return;
            }
            if (read[0] == 0) {
                answer.tryFail(ProblemException.invalid("body", "the .gns3project archive is missing"));
                out.reset();
                return;
            }
            out.end();
            received.tryComplete(read[0]);
        });
        out.response().onComplete(response -> {
            if (response.succeeded()) {
                answer.tryComplete(response.result());
            } else {
                answer.tryFail(response.cause());
            }
            if (!ended[0] && !refused[0]) {
                // the gateway answered before the archive was all sent (its own refusal): stop writing to it
                refused[0] = true;
                source.response().putHeader("Connection", "close");
                source.resume();
            }
        });
        source.resume();
        return answer.future();
    }

    /**
     * For a request refused before its upload started (a name taken, no server): the body is read and dropped, so
     * the client gets the answer; a body beyond the limit closes the connection instead.
     */
    public void discard() {
        if (started) {
            return;
        }
        started = true;
        long[] read = {0};
        source.handler(chunk -> {
            read[0] += chunk.length();
            if (read[0] > limit) {
                source.connection().close();
            }
        });
        source.exceptionHandler(e -> { });
        source.resume();
    }
}
