package dev.labfleet.gateway.client;

import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gateway.config.GatewayConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClient;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import org.eclipse.microprofile.faulttolerance.exceptions.BulkheadException;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resilient GNS3 v2 client. Each server gets its own connection pool, circuit breaker and bulkhead (SmallRye
 * Fault Tolerance programmatic guards, one per server id), so one failing server never slows calls to another.
 * Each call has the timeout of its operation class; idempotent calls are retried with exponential backoff and
 * jitter on server faults (5xx, broken connections), never on timeouts, 4xx, an open breaker or a full bulkhead.
 * Failures come out as {@link ProblemException}s: GNS3 4xx keep their meaning, 5xx become 502 without GNS3's body,
 * timeouts 504, open breaker or full bulkhead 503 with Retry-After.
 *
 * <p>Built on Vert.x' HttpClient rather than a REST client interface: the same client must stream exports and
 * pcaps without buffering and apply per-server pools and TLS settings known only at run time.
 */
@ApplicationScoped
public class Gns3Client {

    private static final Logger LOG = Logger.getLogger(Gns3Client.class);
    private static final TypeLiteral<CompletionStage<Gns3Response>> RESPONSE = new TypeLiteral<>() {
    };
    private static final TypeLiteral<Uni<HttpClientResponse>> RAW = new TypeLiteral<>() {
    };

    private final Vertx vertx;
    private final GatewayConfig config;
    private final Gns3Metrics metrics;
    private final Map<UUID, Channel> channels = new ConcurrentHashMap<>();

    public Gns3Client(Vertx vertx, GatewayConfig config, Gns3Metrics metrics) {
        this.vertx = vertx;
        this.config = config;
        this.metrics = metrics;
    }

    /** Calls GNS3 and answers its response (2xx, 3xx); 4xx/5xx, timeouts and breaker refusals fail as problems. */
    public Uni<Gns3Response> send(Gns3Endpoint endpoint, Gns3Request request) {
        return Uni.createFrom().completionStage(() -> call(endpoint, request));
    }

    /**
     * The same call as {@link #send}, as a {@link CompletionStage}: the first attempt is composed of Vert.x futures
     * alone, with no Mutiny operator (each one captures and restores the thread's contexts), because a batch makes
     * thousands of calls. It fails with a {@link ProblemException}.
     */
    public CompletionStage<Gns3Response> call(Gns3Endpoint endpoint, Gns3Request request) {
        Channel channel = channel(endpoint);
        long start = System.nanoTime();
        CompletableFuture<Gns3Response> result = new CompletableFuture<>();
        attempt(channel, request).whenComplete((response, failure) -> {
            Throwable e = unwrap(failure);
            if (e == null) {
                metrics.request(endpoint.name(), request.operation(), String.valueOf(response.status()),
                        System.nanoTime() - start);
                result.complete(response);
            } else if (request.idempotent() && config.retry().maxRetries() > 0 && retryable(e)) {
                finish(channel, request, retries(Uni.createFrom().completionStage(() -> attempt(channel, request)), e),
                        start).subscribe().with(result::complete, result::completeExceptionally);
            } else {
                result.completeExceptionally(failed(channel, request, e, start));
            }
        });
        return result;
    }

    private CompletionStage<Gns3Response> attempt(Channel channel, Gns3Request request) {
        try {
            return channel.guard.get(() -> exchange(channel, request), RESPONSE);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e); // a refusal thrown rather than returned: the same failure
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    /**
     * Calls GNS3 for a streamed answer (export, pcap) or with a streamed body (import). The guard and the timeout
     * cover the call until GNS3's headers arrive; the body then flows with back-pressure until either side ends it.
     */
    public Uni<Gns3Stream> stream(Gns3Endpoint endpoint, Gns3Request request, Multi<Buffer> upload) {
        Channel channel = channel(endpoint);
        Uni<HttpClientResponse> attempt = Uni.createFrom().deferred(() -> channel.guard.get(() -> open(channel, request, upload), RAW));
        Uni<HttpClientResponse> opened = upload == null ? retrying(request, attempt) : attempt;
        long start = System.nanoTime();
        return finish(channel, request, opened, start).map(response -> new Gns3Stream(response.statusCode(),
                response.getHeader(HttpHeaders.CONTENT_TYPE.toString()),
                response.getHeader(HttpHeaders.CONTENT_DISPOSITION.toString()),
                response.toMulti().map(Buffer::getDelegate)
                        .onCancellation().invoke(() -> response.request().reset())));
    }

    /** This replica's breaker state for a server (CLOSED when no call was made yet). */
    public CircuitBreakerState breakerState(UUID serverId) {
        Channel channel = channels.get(serverId);
        return channel == null ? CircuitBreakerState.CLOSED : channel.state;
    }

    /** Seconds until an open breaker lets a trial call through (at least 1). */
    public int retryAfterSeconds(UUID serverId) {
        Channel channel = channels.get(serverId);
        return channel == null ? 1 : channel.retryAfterSeconds();
    }

    /** Drops a server's pool, breaker and bulkhead (it was deleted or changed). */
    public void forget(UUID serverId) {
        Channel channel = channels.remove(serverId);
        if (channel != null) {
            channel.close();
        }
    }

    /** The {@code Authorization} header value for a server, or null; for the notification WebSockets. */
    public static String authorization(Gns3Endpoint endpoint) {
        if (endpoint.username() == null || endpoint.username().isEmpty()) {
            return null;
        }
        String pair = endpoint.username() + ":" + (endpoint.password() == null ? "" : endpoint.password());
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A call's first attempt runs bare; only when it fails with what a retry may fix does the backoff-and-retry
     * pipeline start (it costs a few objects and operators per call, which thousands of calls in a batch would pay
     * for nothing). Attempts in all: 1 + {@code max-retries}, the first retry after {@code initial-backoff}
     * (jittered).
     */
    private <T> Uni<T> retrying(Gns3Request request, Uni<T> attempt) {
        if (!request.idempotent() || config.retry().maxRetries() <= 0) {
            return attempt;
        }
        return attempt.onFailure(Gns3Client::retryable).recoverWithUni(first -> retries(attempt, first));
    }

    /**
     * The retries after a first attempt that failed with what a retry may fix. When the breaker opens during them
     * (the server's faults, this call's own included, crossed its ratio), the retries end and the caller hears the
     * server's last fault (a 502 with GNS3's status), not the breaker's refusal: the refusal is for the calls after.
     */
    private <T> Uni<T> retries(Uni<T> attempt, Throwable first) {
        GatewayConfig.Retry retry = config.retry();
        java.util.concurrent.atomic.AtomicReference<Throwable> lastFault = new java.util.concurrent.atomic.AtomicReference<>(first);
        Uni<T> tracked = attempt.onFailure(Gns3Client::retryable).invoke(lastFault::set);
        Uni<T> retries = retry.maxRetries() == 1 ? tracked : tracked.onFailure(Gns3Client::retryable).retry()
                .withBackOff(retry.initialBackoff().multipliedBy(2), retry.maxBackoff())
                .withJitter(retry.jitter())
                .atMost(retry.maxRetries() - 1);
        return Uni.createFrom().voidItem().onItem().delayIt().by(jittered(retry.initialBackoff(), retry.jitter()))
                .chain(() -> retries)
                .onFailure(e -> unwrap(e) instanceof CircuitBreakerOpenException).transform(e -> lastFault.get());
    }

    private static Duration jittered(Duration delay, double jitter) {
        double factor = 1 + jitter * (2 * java.util.concurrent.ThreadLocalRandom.current().nextDouble() - 1);
        return Duration.ofNanos(Math.max(0, (long) (delay.toNanos() * factor)));
    }

    private <T> Uni<T> finish(Channel channel, Gns3Request request, Uni<T> call, long start) {
        Gns3Endpoint endpoint = channel.endpoint;
        return call
                .onItem().invoke(item -> metrics.request(endpoint.name(), request.operation(),
                        String.valueOf(item instanceof Gns3Response r ? r.status()
                                : item instanceof HttpClientResponse h ? h.statusCode() : 200),
                        System.nanoTime() - start))
                .onFailure().transform(e -> failed(channel, request, e, start));
    }

    private ProblemException failed(Channel channel, Gns3Request request, Throwable e, long start) {
        ProblemException problem = problem(channel, request, e);
        metrics.request(channel.endpoint.name(), request.operation(), outcome(e, problem), System.nanoTime() - start);
        return problem;
    }

    /**
     * One attempt, in Vert.x futures: the request, GNS3's whole answer, and a timer for the operation's timeout
     * (the connection's idle timeout, the same duration, may fire first: a timeout either way, never retried).
     */
    private CompletionStage<Gns3Response> exchange(Channel channel, Gns3Request request) {
        Duration timeout = channel.endpoint.timeout(request.operationClass());
        io.vertx.core.Vertx core = vertx.getDelegate();
        Promise<Gns3Response> answer = Promise.promise();
        long timer = core.setTimer(timeout.toMillis(), id -> answer.tryFail(new Gns3Timeout(timeout)));
        channel.local().request(options(channel, request, timeout))
                .compose(out -> request.body() == null ? out.send() : out.send(request.body().getDelegate()))
                .compose(response -> response.body().map(body -> {
                    int status = response.statusCode();
                    Buffer wrapped = Buffer.newInstance(body);
                    check(channel, request, status, wrapped);
                    return new Gns3Response(status, response.getHeader(HttpHeaders.CONTENT_TYPE), wrapped);
                }))
                .onComplete(done -> {
                    core.cancelTimer(timer);
                    if (done.succeeded()) {
                        answer.tryComplete(done.result());
                    } else {
                        answer.tryFail(done.cause() instanceof io.vertx.core.impl.NoStackTraceTimeoutException
                                ? new Gns3Timeout(timeout) : done.cause());
                    }
                });
        return answer.future().toCompletionStage();
    }

    private Uni<HttpClientResponse> open(Channel channel, Gns3Request request, Multi<Buffer> upload) {
        Duration timeout = channel.endpoint.timeout(request.operationClass());
        // no idle timeout: a pcap stream may stay quiet for long; the timeout below covers the wait for headers
        return channel.http.request(options(channel, request, null))
                .chain(out -> {
                    if (upload == null) {
                        return out.send();
                    }
                    // one chunk written at a time, each after the previous one was handed to the connection: the
                    // upload's pace is the network's, and no stream adapter sits between threads
                    out.setChunked(true);
                    Uni<HttpClientResponse> answer = out.response();
                    return upload.onItem().transformToUniAndConcatenate(out::write).onItem().ignoreAsUni()
                            .chain(() -> out.end())
                            .chain(() -> answer);
                })
                .chain(response -> {
                    if (response.statusCode() < 300) {
                        response.pause(); // nothing is read until the caller's stream asks for it
                        return Uni.createFrom().item(response);
                    }
                    return response.body().map(body -> {
                        check(channel, request, response.statusCode(), body);
                        return response;
                    });
                })
                .ifNoItem().after(timeout).failWith(() -> new Gns3Timeout(timeout));
    }

    private void check(Channel channel, Gns3Request request, int status, Buffer body) {
        if (status >= 500) {
            LOG.debugf("GNS3 %s answered %d on %s %s", channel.endpoint.name(), status, request.method(), request.path());
            throw new Gns3ServerFault(status);
        }
        if (status >= 400) {
            throw Gns3Errors.clientError(channel.endpoint.serverId(), channel.endpoint.name(), request.operation(),
                    status, body == null ? null : body.getBytes());
        }
    }

    private RequestOptions options(Channel channel, Gns3Request request, Duration timeout) {
        Gns3Endpoint endpoint = channel.endpoint;
        RequestOptions options = new RequestOptions()
                .setMethod(request.method())
                .setHost(endpoint.url().getHost())
                .setPort(endpoint.port())
                .setSsl(endpoint.https())
                .setURI(channel.prefix + request.path())
                .setIdleTimeout(timeout == null ? 0 : timeout.toMillis())
                .putHeader(HttpHeaders.ACCEPT, "application/json, */*");
        if (request.body() != null) {
            options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        }
        if (channel.authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, channel.authorization);
        }
        return options;
    }

    private ProblemException problem(Channel channel, Gns3Request request, Throwable e) {
        Gns3Endpoint endpoint = channel.endpoint;
        String what = request.operation() + " on GNS3 server " + endpoint.name();
        if (e instanceof ProblemException p) {
            return p;
        }
        if (e instanceof CircuitBreakerOpenException) {
            return withServer(ProblemException.unavailable("GNS3 server " + endpoint.name()
                    + " is failing; calls to it are suspended (circuit breaker open)", channel.retryAfterSeconds()), endpoint);
        }
        if (e instanceof BulkheadException) {
            return withServer(ProblemException.unavailable("too many concurrent calls to GNS3 server " + endpoint.name(), 1),
                    endpoint);
        }
        if (e instanceof Gns3Timeout t) {
            return withServer(ProblemException.timeout(what + " got no answer within " + t.timeout.toMillis() + " ms"),
                    endpoint);
        }
        if (e instanceof Gns3ServerFault f) {
            return Gns3Errors.serverError(endpoint.serverId(), endpoint.name(), request.operation(), f.status);
        }
        if (e instanceof java.net.ConnectException || causedBy(e, java.net.ConnectException.class)) {
            return withServer(ProblemException.unavailable("GNS3 server " + endpoint.name() + " refuses connections",
                    5), endpoint);
        }
        // not a failure mode we know: keep the stack trace in our log (never in the answer)
        LOG.warnf(e, "GNS3 %s: %s failed unexpectedly", endpoint.name(), request.operation());
        return withServer(ProblemException.upstream(what + " failed: connection to GNS3 broke ("
                + dev.labfleet.common.problem.UpstreamProblems.describe(e) + ")"), endpoint);
    }

    private static ProblemException withServer(ProblemException e, Gns3Endpoint endpoint) {
        return new ProblemException(e.problem().with("serverId", endpoint.serverId()), e.retryAfterSeconds(), null);
    }

    private static String outcome(Throwable e, ProblemException problem) {
        if (e instanceof CircuitBreakerOpenException) {
            return "breaker_open";
        }
        if (e instanceof BulkheadException) {
            return "bulkhead_full";
        }
        if (e instanceof Gns3Timeout) {
            return "timeout";
        }
        Object gns3Status = problem.problem().context().get("gns3Status");
        return gns3Status != null ? gns3Status.toString() : "io_error";
    }

    /** What the breaker counts as a failure of the server: faults, broken connections, timeouts; never 4xx. */
    static boolean fault(Throwable e) {
        return e instanceof Gns3ServerFault || e instanceof Gns3Timeout || e instanceof IOException
                || causedBy(e, IOException.class) || e instanceof io.vertx.core.VertxException;
    }

    /** What a retry may fix: faults and broken connections (not timeouts: a slow server stays slow). */
    static boolean retryable(Throwable e) {
        return e instanceof Gns3ServerFault || e instanceof IOException || causedBy(e, IOException.class)
                || e instanceof io.vertx.core.VertxException;
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private Channel channel(Gns3Endpoint endpoint) {
        Channel current = channels.get(endpoint.serverId());
        if (current != null && current.endpoint.revision() == endpoint.revision()) {
            return current;
        }
        return channels.compute(endpoint.serverId(), (id, existing) -> {
            if (existing != null && existing.endpoint.revision() == endpoint.revision()) {
                return existing;
            }
            if (existing != null) {
                existing.close();
            }
            return new Channel(endpoint);
        });
    }

    @PreDestroy
    void close() {
        channels.values().forEach(Channel::close);
        channels.clear();
    }

    /** One server's pool, breaker and bulkhead. */
    private final class Channel {
        final Gns3Endpoint endpoint;
        /** For streams, and for calls made off the event loops. */
        final HttpClient http;
        /**
         * A pool per event loop, for calls made on one: a connection is bound to the event loop it was opened on,
         * and a call on a connection of another loop pays two thread hand-offs (request out, answer back). The
         * bulkhead still caps the server's calls in flight, whatever the pools hold.
         */
        private final Map<Thread, io.vertx.core.http.HttpClient> loops = new ConcurrentHashMap<>();
        private final HttpClientOptions options;
        private final PoolOptions pool;
        final Guard guard;
        final String authorization;
        /** What precedes a call's path: the server's base path (behind a reverse proxy) and {@code /v2}. */
        final String prefix;
        volatile CircuitBreakerState state = CircuitBreakerState.CLOSED;
        volatile long openedAt;

        Channel(Gns3Endpoint endpoint) {
            this.endpoint = endpoint;
            this.authorization = authorization(endpoint);
            this.prefix = endpoint.basePath() + "/v2";
            GatewayConfig.Client client = config.client();
            HttpClientOptions options = new HttpClientOptions()
                    .setConnectTimeout((int) client.connectTimeout().toMillis())
                    .setKeepAlive(true)
                    .setSsl(endpoint.https())
                    .setTrustAll(!endpoint.verifyTls())
                    .setVerifyHost(endpoint.verifyTls())
                    .setName("gns3-" + endpoint.name())
                    .setTracingPolicy(client.traceCalls() ? TracingPolicy.PROPAGATE : TracingPolicy.IGNORE);
            this.options = options;
            this.pool = new PoolOptions().setHttp1MaxSize(endpoint.maxConcurrent());
            this.http = vertx.createHttpClient(options, pool);
            GatewayConfig.Breaker breaker = config.breaker();
            this.guard = Guard.create()
                    .withDescription("GNS3 server " + endpoint.serverId())
                    .withCircuitBreaker()
                        .requestVolumeThreshold(breaker.requestVolumeThreshold())
                        .failureRatio(breaker.failureRatio())
                        .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                        .successThreshold(breaker.successThreshold())
                        .when(Gns3Client::fault)
                        .onStateChange(this::stateChanged)
                        .done()
                    .withBulkhead()
                        .limit(endpoint.maxConcurrent())
                        .queueSize(client.queueSize())
                        .done()
                    .withThreadOffload(false)
                    .build();
            metrics.breakerState(endpoint.name(), CircuitBreakerState.CLOSED);
        }

        io.vertx.core.http.HttpClient local() {
            if (!io.vertx.core.Context.isOnEventLoopThread()) {
                return http.getDelegate();
            }
            return loops.computeIfAbsent(Thread.currentThread(),
                    loop -> vertx.getDelegate().createHttpClient(options, pool));
        }

        void close() {
            http.close().subscribe().with(ok -> { }, e -> { });
            loops.values().forEach(client -> client.close());
            loops.clear();
        }

        void stateChanged(CircuitBreakerState next) {
            if (next == CircuitBreakerState.OPEN) {
                openedAt = System.nanoTime();
            }
            if (state != next) {
                LOG.infof("GNS3 server %s: circuit breaker %s -> %s", endpoint.name(), state, next);
            }
            state = next;
            metrics.breakerState(endpoint.name(), next);
        }

        int retryAfterSeconds() {
            long left = config.breaker().delay().toNanos() - (System.nanoTime() - openedAt);
            return (int) Math.max(1, Math.min(3600, (left + 999_999_999L) / 1_000_000_000L));
        }
    }

    /** GNS3 answered 5xx (its body, a Python traceback, is dropped here). */
    static final class Gns3ServerFault extends RuntimeException {
        final int status;

        Gns3ServerFault(int status) {
            super("GNS3 answered " + status, null, false, false);
            this.status = status;
        }
    }

    /** No answer within the operation's timeout. */
    static final class Gns3Timeout extends RuntimeException {
        final Duration timeout;

        Gns3Timeout(Duration timeout) {
            super("no answer within " + timeout, null, false, false);
            this.timeout = timeout;
        }
    }
}
