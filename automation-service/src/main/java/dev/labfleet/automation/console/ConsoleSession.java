package dev.labfleet.automation.console;

import dev.labfleet.automation.script.Dialect;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One telnet console, driven expect-style over a Vert.x {@link NetSocket} (no thread waits on it): send a line,
 * wait until the output matches a regex (the dialect's prompt, or an {@code expect} step's), page through pagers.
 * Everything received, cleaned of telnet commands, carriage returns and ANSI colours, also goes to the
 * {@code output} listener as it arrives (transcripts, live streams).
 */
public final class ConsoleSession {

    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]");
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0b-\\x1a\\x1c-\\x1f\\x7f\\r]");

    private final Vertx vertx;
    private final NetSocket socket;
    private final Dialect dialect;
    private final Consumer<String> output;
    private final Telnet telnet = new Telnet();
    private final StringBuilder pending = new StringBuilder();
    private Waiter waiter;
    private boolean closed;
    private String closedWhy;
    private long lastData = System.nanoTime();

    private record Waiter(Pattern pattern, UniEmitter<? super String> emitter, long timer, String what) {
    }

    private ConsoleSession(Vertx vertx, NetSocket socket, Dialect dialect, Consumer<String> output) {
        this.vertx = vertx;
        this.socket = socket;
        this.dialect = dialect;
        this.output = output;
        socket.handler(this::received);
        socket.closeHandler(v -> closed("the console closed the connection"));
        socket.exceptionHandler(e -> closed("the console connection failed (" + e.getMessage() + ")"));
    }

    /** Connects to {@code host:port}; fails with {@link ConsoleException.Reason#CONNECT} when nobody listens. */
    public static Uni<ConsoleSession> open(Vertx vertx, NetClient client, String host, int port, Dialect dialect,
                                           Consumer<String> output) {
        return Uni.createFrom().completionStage(() -> client.connect(port, host).toCompletionStage())
                .onFailure().transform(e -> new ConsoleException(ConsoleException.Reason.CONNECT,
                        "cannot connect to the console at " + host + ":" + port + " (" + e.getMessage() + ")"))
                .map(socket -> new ConsoleSession(vertx, socket, dialect, output));
    }

    private void received(Buffer buffer) {
        Telnet.Decoded decoded;
        Waiter done = null;
        String matched = null;
        String text;
        synchronized (this) {
            decoded = telnet.decode(buffer.getBytes());
            text = clean(new String(decoded.data(), StandardCharsets.ISO_8859_1));
            lastData = System.nanoTime();
            if (!text.isEmpty()) {
                pending.append(text);
                Matcher pager = Dialect.PAGER.matcher(pending);
                if (pager.find()) {
                    pending.delete(pager.start(), pending.length());
                    socket.write(Buffer.buffer(" "));
                }
                if (waiter != null) {
                    Matcher m = waiter.pattern().matcher(pending);
                    if (m.find()) {
                        matched = pending.substring(0, m.end());
                        pending.delete(0, m.end());
                        done = waiter;
                        waiter = null;
                    }
                }
            }
        }
        if (decoded.reply().length > 0) {
            socket.write(Buffer.buffer(decoded.reply()));
        }
        if (!text.isEmpty()) {
            output.accept(text);
        }
        if (done != null) {
            vertx.cancelTimer(done.timer());
            done.emitter().complete(matched);
        }
    }

    static String clean(String text) {
        if (text.indexOf('\u001b') >= 0) {
            text = ANSI.matcher(text).replaceAll("");
        }
        return CONTROL.matcher(text).replaceAll("");
    }

    private void closed(String why) {
        Waiter failed;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            closedWhy = why;
            failed = waiter;
            waiter = null;
        }
        if (failed != null) {
            vertx.cancelTimer(failed.timer());
            failed.emitter().fail(new ConsoleException(ConsoleException.Reason.CLOSED, why + " while waiting for "
                    + failed.what()));
        }
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    /** Sends a line with the dialect's line ending (nothing is awaited). */
    public void sendLine(String line) {
        socket.write(Buffer.buffer(Telnet.escape((line + dialect.lineEnding()).getBytes(StandardCharsets.UTF_8))));
    }

    /** Forgets what was received and not yet matched (it stays in the transcript). */
    public synchronized void discard() {
        pending.setLength(0);
    }

    /**
     * Waits until the output received since the last match matches {@code pattern}; answers that output, up to and
     * including the match.
     *
     * @param what for the error when it does not come ("the prompt after 'show ip'")
     */
    public Uni<String> expect(Pattern pattern, Duration timeout, String what) {
        return Uni.createFrom().emitter(emitter -> {
            String matched = null;
            synchronized (this) {
                if (closed) {
                    emitter.fail(new ConsoleException(ConsoleException.Reason.CLOSED, closedWhy + " before "
                            + what));
                    return;
                }
                Matcher m = pattern.matcher(pending);
                if (m.find()) {
                    matched = pending.substring(0, m.end());
                    pending.delete(0, m.end());
                } else {
                    long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), t -> timedOut(what, timeout));
                    waiter = new Waiter(pattern, emitter, timer, what);
                }
            }
            if (matched != null) {
                emitter.complete(matched);
            }
        });
    }

    private void timedOut(String what, Duration timeout) {
        Waiter failed;
        synchronized (this) {
            failed = waiter;
            waiter = null;
        }
        if (failed != null) {
            failed.emitter().fail(new ConsoleException(ConsoleException.Reason.TIMEOUT, "no " + what + " within "
                    + timeout.toMillis() + " ms"));
        }
    }

    /**
     * Sends a line and waits for the prompt; answers what the command printed, without the echo of the command and
     * without the prompt.
     */
    public Uni<String> command(String line, Pattern prompt, Duration timeout) {
        discard();
        sendLine(line);
        return expect(prompt, timeout, "prompt after '" + line + "'").map(out -> strip(out, line, prompt));
    }

    static String strip(String out, String line, Pattern prompt) {
        String text = out;
        Matcher m = prompt.matcher(text);
        if (m.find()) {
            text = text.substring(0, m.start());
        }
        String trimmed = text.replaceFirst("^\\n+", "");
        if (trimmed.startsWith(line)) {
            trimmed = trimmed.substring(line.length());
        }
        return trimmed.replaceFirst("^\\n+", "").replaceFirst("\\n+$", "");
    }

    /**
     * Brings the console to a known state: sends an empty line, waits for the prompt, then until the console has
     * been quiet for {@code settle} (a banner's own prompt and ours may both come), and forgets all of it.
     */
    public Uni<Void> sync(Pattern prompt, Duration timeout, Duration settle) {
        sendLine("");
        return expect(prompt, timeout, "first prompt").chain(() -> quiet(settle)).invoke(this::discard);
    }

    private Uni<Void> quiet(Duration settle) {
        return Uni.createFrom().emitter(emitter -> {
            long wanted = settle.toNanos();
            long[] timer = new long[1];
            Runnable[] check = new Runnable[1];
            check[0] = () -> {
                long idle;
                synchronized (this) {
                    idle = System.nanoTime() - lastData;
                }
                if (idle >= wanted) {
                    emitter.complete(null);
                } else {
                    timer[0] = vertx.setTimer(Math.max(1, (wanted - idle) / 1_000_000), t -> check[0].run());
                }
            };
            timer[0] = vertx.setTimer(Math.max(1, settle.toMillis()), t -> check[0].run());
            emitter.onTermination(() -> vertx.cancelTimer(timer[0]));
        });
    }

    public void close() {
        closed("the session was closed");
        socket.close();
    }
}
