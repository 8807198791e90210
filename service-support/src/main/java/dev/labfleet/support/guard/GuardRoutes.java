package dev.labfleet.support.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.support.problem.ProblemMappers;
import dev.labfleet.support.security.Caller;
import dev.labfleet.common.problem.ProblemTypes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Puts the guard in front of every guarded route ({@code labfleet.guard.paths}) of the service:
 *
 * <ol>
 *   <li>before authentication (route order -1000; Quarkus authenticates at -200 and authorizes at -100): a request
 *       from a banned address is answered 403 ({@code address-banned}) with {@code Retry-After}; and an end handler
 *       is attached that audits the request once its answer is sent;</li>
 *   <li>after authorization (order -90): the caller's token bucket for the route class is charged: the principal's
 *       when the request is authenticated, the client address's otherwise. The answer carries {@code RateLimit-Limit},
 *       {@code RateLimit-Remaining}, {@code RateLimit-Reset} and {@code RateLimit-Policy}; an empty bucket is a 429
 *       ({@code rate-limited}) with {@code Retry-After}.</li>
 * </ol>
 *
 * <p>When the answer is a 401 to a request that carried credentials ({@code Authorization} or a WebSocket
 * protocol token), the address's failure is counted ({@link BanStore}); the one too many bans it and publishes
 * {@code lab.audit.address-banned}. Redis is a counter store here, never a gate: when it does not answer, requests
 * pass unlimited and unbanned (logged once per outage) rather than the API going down with it.
 */
@Singleton
public class GuardRoutes {

    private static final Logger LOG = Logger.getLogger(GuardRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ADDRESS = "labfleet.guard.address";
    static final String OUTCOME = "labfleet.guard.outcome";
    static final String IDENTITY = "labfleet.guard.identity";
    static final String CLASS = "labfleet.guard.class";
    /** Route orders: before Quarkus' authentication (-200), after its authorization (-100). */
    public static final int FRONT_ORDER = -1000;
    public static final int LIMIT_ORDER = -90;

    private final GuardSettings settings;
    private final RateLimiter limiter;
    private final BanStore bans;
    private final AuditPublisher audit;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicBoolean redisDown = new AtomicBoolean();

    public GuardRoutes(RateLimiter limiter, BanStore bans, AuditPublisher audit, MeterRegistry registry) {
        this.settings = GuardSettings.fromConfig();
        this.limiter = limiter;
        this.bans = bans;
        this.audit = audit;
        this.registry = registry;
    }

    void install(@Observes Router router) {
        router.route().order(FRONT_ORDER).handler(this::front);
        router.route().order(LIMIT_ORDER).handler(this::limit);
    }

    private void front(RoutingContext context) {
        String path = context.request().path();
        if (!settings.guarded(path)) {
            context.next();
            return;
        }
        long started = System.nanoTime();
        String address = ClientAddress.of(context.request(), settings.trustedProxies);
        context.put(ADDRESS, address);
        context.addEndHandler(done -> after(context, address, started));
        if (!settings.banEnabled) {
            context.next();
            return;
        }
        // what this replica already knows needs no Redis call, nor a Uni (most requests)
        java.util.Optional<Ban> believed = bans.knownBan(address);
        if (believed != null) {
            banned(context, believed);
            return;
        }
        bans.banOf(address).subscribe().with(ban -> {
            redisBack();
            banned(context, ban);
        }, failure -> {
            redisFailed("bans are not checked", failure);
            context.next();
        });
    }

    private void banned(RoutingContext context, java.util.Optional<Ban> ban) {
        if (ban.isEmpty()) {
            context.next();
            return;
        }
        context.put(OUTCOME, "banned");
        count("banned", "all");
        long seconds = Math.max(1, Duration.between(Instant.now(), ban.get().until()).toSeconds());
        refuse(context, Problem.of(ProblemTypes.ADDRESS_BANNED, "this address is banned after repeated "
                        + "authentication failures until " + ban.get().until() + "; an admin can lift the ban")
                .with("until", ban.get().until().toString()), Map.of("Retry-After", Long.toString(seconds)));
    }

    private void limit(RoutingContext context) {
        if (!settings.guarded(context.request().path()) || context.response().ended()) {
            context.next();
            return;
        }
        RouteClass routeClass = settings.classOf(context.request().method().name(), context.request().path());
        context.put(CLASS, routeClass);
        if (!settings.rateLimitEnabled) {
            identity(context).subscribe().with(id -> context.next(), e -> context.next());
            return;
        }
        GuardSettings.Limit limit = settings.limits.get(routeClass);
        if (context.user() instanceof QuarkusHttpUser user) {
            // authenticated already (proactively): a token of this replica's lease needs no Redis call, nor a Uni
            String key = bucket(routeClass, remember(context, user.getSecurityIdentity()), context.get(ADDRESS));
            RateLimiter.Decision leased = limiter.fromLease(key, limit);
            if (leased != null) {
                decided(context, routeClass, limit, leased);
                return;
            }
            limiter.acquire(key, limit).subscribe().with(decision -> {
                redisBack();
                decided(context, routeClass, limit, decision);
            }, failure -> unlimited(context, failure));
            return;
        }
        identity(context)
                .chain(id -> limiter.acquire(bucket(routeClass, id, context.get(ADDRESS)), limit))
                .subscribe().with(decision -> {
                    redisBack();
                    decided(context, routeClass, limit, decision);
                }, failure -> unlimited(context, failure));
    }

    private void unlimited(RoutingContext context, Throwable failure) {
        redisFailed("rate limits are not applied", failure);
        context.next();
    }

    private void decided(RoutingContext context, RouteClass routeClass, GuardSettings.Limit limit,
                         RateLimiter.Decision decision) {
        HttpServerResponse response = context.response();
        response.putHeader("RateLimit-Limit", Long.toString(quota(limit)));
        response.putHeader("RateLimit-Remaining", Long.toString(decision.remaining()));
        response.putHeader("RateLimit-Reset", Long.toString(decision.resetSeconds()));
        response.putHeader("RateLimit-Policy", policy(routeClass, limit));
        if (decision.allowed()) {
            context.next();
            return;
        }
        context.put(OUTCOME, "rate-limited");
        count("rate-limited", routeClass.wire());
        refuse(context, Problem.of(ProblemTypes.RATE_LIMITED, "the " + routeClass.wire() + " rate limit ("
                        + policyText(limit) + ") is spent; retry after " + decision.retryAfterSeconds() + " s")
                        .with("routeClass", routeClass.wire()),
                Map.of("Retry-After", Long.toString(decision.retryAfterSeconds())));
    }

    /** The caller's identity, null when anonymous or not established (then the address is the key). */
    private Uni<SecurityIdentity> identity(RoutingContext context) {
        if (context.user() instanceof QuarkusHttpUser user) {
            return Uni.createFrom().item(remember(context, user.getSecurityIdentity()));
        }
        Uni<SecurityIdentity> deferred = context.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        if (deferred == null) {
            return Uni.createFrom().nullItem();
        }
        return deferred.map(id -> remember(context, id)).onFailure().recoverWithNull();
    }

    private static SecurityIdentity remember(RoutingContext context, SecurityIdentity identity) {
        // the open caller of a service with security off (tests) is nobody in particular: its address is the key
        if (identity != null && !identity.isAnonymous() && !Caller.open(identity)) {
            context.put(IDENTITY, identity);
            return identity;
        }
        return null;
    }

    /** The caller's principal name on this request, {@code anonymous} without an authenticated identity. */
    public static String principalOf(RoutingContext context) {
        SecurityIdentity identity = context.get(IDENTITY);
        if (identity == null && context.user() instanceof QuarkusHttpUser user) {
            identity = user.getSecurityIdentity();
        }
        return identity == null || identity.isAnonymous() || Caller.open(identity) ? "anonymous"
                : identity.getPrincipal().getName();
    }

    String bucket(RouteClass routeClass, SecurityIdentity identity, String address) {
        String who = identity != null ? "p:" + digestIfLong(identity.getPrincipal().getName()) : "a:" + address;
        return settings.keyPrefix + "rl:" + settings.service + ":" + routeClass.wire() + ":" + who;
    }

    static String policy(RouteClass routeClass, GuardSettings.Limit limit) {
        return quota(limit) + ";w=" + window(limit) + ";policy=\"" + routeClass.wire() + "\"";
    }

    /**
     * The quota of the IETF draft's quota-per-window reading of a token bucket: the bucket's size, refilled in
     * {@link #window} seconds; a bucket smaller than a second's refill (a strict rate, no burst) reads as the
     * second's tokens per second.
     */
    static long quota(GuardSettings.Limit limit) {
        return limit.burst() >= limit.perSecond() ? limit.burst() : (long) Math.floor(limit.perSecond());
    }

    static long window(GuardSettings.Limit limit) {
        return limit.burst() >= limit.perSecond() ? Math.max(1, Math.round(limit.burst() / limit.perSecond())) : 1;
    }

    private static String policyText(GuardSettings.Limit limit) {
        return limit.perSecond() + " a second, bursts of " + limit.burst();
    }

    private void after(RoutingContext context, String address, long started) {
        int status = context.response().getStatusCode();
        String method = context.request().method().name();
        boolean mutating = settings.mutating(method, context.request().path());
        if (status == 401 && settings.banEnabled && carriedCredentials(context)) {
            String traceId = ProblemMappers.traceId();
            bans.recordFailure(address)
                    .call(ban -> ban.isPresent() ? audit.banned(ban.get(), "labfleet-guard", traceId) : Uni.createFrom().voidItem())
                    .subscribe().with(ban -> ban.ifPresent(b -> {
                        count("ban-imposed", "all");
                        LOG.warnf("banned %s until %s after %d authentication failures", b.address(), b.until(), b.failures());
                    }), failure -> redisFailed("authentication failures are not counted", failure));
        }
        if (!settings.auditEnabled) {
            return;
        }
        String outcome = outcome(context.get(OUTCOME), status, mutating);
        if (outcome == null) {
            // a read that passed (most requests): nothing to record, so nothing more to work out
            return;
        }
        SecurityIdentity identity = context.get(IDENTITY);
        if (identity == null && context.user() instanceof QuarkusHttpUser user && !user.getSecurityIdentity().isAnonymous()
                && !Caller.open(user.getSecurityIdentity())) {
            identity = user.getSecurityIdentity();
        }
        String traceId = ProblemMappers.traceId();
        RouteClass routeClass = context.get(CLASS);
        PathFacts facts = PathFacts.of(context.request().path());
        AuditRecord record = new AuditRecord(UUID.randomUUID().toString(), Instant.now(), settings.service,
                identity != null ? identity.getPrincipal().getName() : "anonymous", identity != null, method,
                facts.path(), (routeClass != null ? routeClass : settings.classOf(method, facts.path())).wire(),
                facts.objectType(), facts.objectId(), facts.projectId(), status, outcome, address, traceId,
                (System.nanoTime() - started) / 1_000_000);
        audit.request(record, mutating && status < 400).subscribe().with(x -> { }, e -> { });
    }

    /** The audit outcome of an answer, or null when it is not audited (a read that was not denied). */
    static String outcome(String marked, int status, boolean mutating) {
        if (marked != null) {
            return marked;
        }
        return switch (status) {
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 429 -> "rate-limited";
            default -> !mutating ? null : status < 400 ? "succeeded" : status < 500 ? "rejected" : "failed";
        };
    }

    private static boolean carriedCredentials(RoutingContext context) {
        return context.request().getHeader("Authorization") != null
                || context.request().getHeader("Sec-WebSocket-Protocol") != null;
    }

    private void count(String reason, String routeClass) {
        counters.computeIfAbsent(reason + "/" + routeClass, k -> Counter.builder("labfleet_guard_refusals")
                .description("Requests the guard refused (rate limits, bans), and bans imposed")
                .tag("reason", reason).tag("class", routeClass).register(registry)).increment();
    }

    private void redisFailed(String what, Throwable failure) {
        if (redisDown.compareAndSet(false, true)) {
            LOG.warnf("guard: Redis did not answer (%s); %s until it does", failure.toString(), what);
        }
    }

    private void redisBack() {
        if (redisDown.compareAndSet(true, false)) {
            LOG.info("guard: Redis answers again; rate limits and bans apply");
        }
    }

    private static void refuse(RoutingContext context, Problem problem, Map<String, String> headers) {
        Problem full = problem.withTraceId(ProblemMappers.traceId());
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(full);
        } catch (JsonProcessingException e) {
            body = new byte[0];
        }
        HttpServerResponse response = context.response().setStatusCode(full.status())
                .putHeader("Content-Type", Problem.MEDIA_TYPE);
        headers.forEach(response::putHeader);
        response.end(Buffer.buffer(body));
    }

    private static String digestIfLong(String name) {
        if (name.length() <= 128) {
            return name;
        }
        try {
            return "sha256-" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
