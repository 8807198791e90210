package dev.labfleet.search.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.search.config.SearchConfig;
import dev.labfleet.search.dashboard.Dashboard;
import dev.labfleet.search.dashboard.DashboardService;
import dev.labfleet.search.index.IndexChanged;
import dev.labfleet.search.index.Kind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.pubsub.ReactivePubSubCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fleet dashboards in two tiers: an in-process Caffeine cache (short TTL, per replica) in front of Redis
 * (longer TTL, shared by the replicas). A reader gets the cached figures with their age; past
 * {@code fresh-for} they are refreshed in the background (stale-while-revalidate, the answer says
 * {@code stale: true}). The dashboards are warmed on a schedule and right after an index change that touches them
 * (debounced), so readers never wait for a cold aggregate except on the very first read. Hit and miss counts per
 * tier are {@code labfleet_search_dashboard_cache_total{tier,result}}, the ratios
 * {@code labfleet_search_dashboard_cache_hit_ratio{tier}}. Redis is optional: without it the local tier and the
 * computation answer.
 *
 * <p>Replicas: an index change reaches one replica only (they share the consumer group), so what that replica does to
 * its own tiers is told to the others on the Redis channel {@code <key-prefix>dashboard-events}: {@code invalidated}
 * (drop the local copy, answer {@code stale: true} until the refresh lands) and {@code refreshed} (drop the local copy:
 * the next read takes the new figures from Redis). Without the channel (Redis down) a replica's local copy lags
 * another's refresh by at most {@code local-ttl}; the subscription is retried with backoff.
 */
@ApplicationScoped
public class DashboardCache {

    private static final Logger LOG = Logger.getLogger(DashboardCache.class);
    private static final Duration DEBOUNCE = Duration.ofMillis(200);

    private final DashboardService dashboards;
    private final SearchConfig config;
    private final ReactiveValueCommands<String, String> redis;
    private final Vertx vertx;
    private final Cache<String, Dashboard> local;
    private final Map<String, Uni<Dashboard>> inFlight = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Set<String> stale = ConcurrentHashMap.newKeySet();
    private final Counter localHit;
    private final Counter localMiss;
    private final Counter redisHit;
    private final Counter redisMiss;
    private final ReactivePubSubCommands<String> pubsub;
    private final String replicaId = UUID.randomUUID().toString();
    private long warmTimer = -1;
    private volatile Cancellable subscription;

    public DashboardCache(DashboardService dashboards, SearchConfig config, ReactiveRedisDataSource redis, Vertx vertx,
                          MeterRegistry registry) {
        this.dashboards = dashboards;
        this.config = config;
        this.redis = redis.value(String.class);
        this.pubsub = redis.pubsub(String.class);
        this.vertx = vertx;
        this.local = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(config.dashboards().localTtl()).build();
        this.localHit = counter(registry, "local", "hit");
        this.localMiss = counter(registry, "local", "miss");
        this.redisHit = counter(registry, "redis", "hit");
        this.redisMiss = counter(registry, "redis", "miss");
        ratio(registry, "local", localHit, localMiss);
        ratio(registry, "redis", redisHit, redisMiss);
    }

    private static Counter counter(MeterRegistry registry, String tier, String result) {
        return Counter.builder("labfleet_search_dashboard_cache").tag("tier", tier).tag("result", result)
                .description("Dashboard cache lookups").register(registry);
    }

    private static void ratio(MeterRegistry registry, String tier, Counter hit, Counter miss) {
        io.micrometer.core.instrument.Gauge.builder("labfleet_search_dashboard_cache_hit_ratio", () -> {
            double total = hit.count() + miss.count();
            return total == 0 ? 0 : hit.count() / total;
        }).tag("tier", tier).description("Share of dashboard lookups answered by this tier").register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        subscription = pubsub.subscribe(channel())
                .onCompletion().failWith(() -> new IllegalStateException("Redis subscription ended"))
                .onFailure().invoke(e -> LOG.debugf("dashboard cache: Redis channel lost (%s), resubscribing", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(this::onPeerMessage, e -> LOG.warnf("dashboard cache: no Redis channel: %s", e.toString()));
        long every = config.dashboards().warmEvery().toMillis();
        if (every > 0) {
            warmTimer = vertx.setPeriodic(Math.max(1000, every), id -> warmAll());
            vertx.setTimer(1000, id -> warmAll());
        }
    }

    @PreDestroy
    void stop() {
        Cancellable s = subscription;
        if (s != null) {
            s.cancel();
        }
        if (warmTimer >= 0) {
            vertx.cancelTimer(warmTimer);
        }
    }

    /** Recomputes the four fleet dashboards ahead of readers. */
    public void warmAll() {
        for (String name : DashboardService.NAMES) {
            refresh(name).subscribe().with(d -> { }, e -> LOG.debugf("dashboard %s not warmed: %s", name, e.toString()));
        }
    }

    /** The dashboard from the nearest tier that has it, computing it when none does. */
    public Uni<Dashboard> get(String name) {
        Dashboard cached = local.getIfPresent(name);
        if (cached != null) {
            localHit.increment();
            return Uni.createFrom().item(answer(cached, "local"));
        }
        localMiss.increment();
        return redis.get(key(name))
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("dashboard cache: Redis unavailable (%s)", e.toString());
                    return null;
                })
                .chain(json -> {
                    Dashboard fromRedis = json == null ? null : read(json);
                    if (fromRedis != null) {
                        redisHit.increment();
                        local.put(name, fromRedis);
                        return Uni.createFrom().item(answer(fromRedis, "redis"));
                    }
                    redisMiss.increment();
                    return refresh(name).map(d -> d.with(new Dashboard.CacheInfo("computed", 0, false)));
                });
    }

    /** The cached figures with their age; past fresh-for, a background refresh starts. */
    private Dashboard answer(Dashboard d, String tier) {
        long age = Duration.between(d.computedAt(), OffsetDateTime.now(ZoneOffset.UTC)).toMillis();
        boolean old = age > config.dashboards().freshFor().toMillis();
        if (old) {
            refresh(d.name()).subscribe().with(x -> { }, e -> { });
        }
        return d.with(new Dashboard.CacheInfo(tier, Math.max(0, age), old || stale.contains(d.name())));
    }

    /** Computes a dashboard once however many ask at the same time, and stores it in both tiers. */
    public Uni<Dashboard> refresh(String name) {
        return inFlight.computeIfAbsent(name, n -> dashboards.compute(n)
                .call(d -> {
                    local.put(n, d);
                    stale.remove(n);
                    return redis.setex(key(n), Math.max(1, config.dashboards().redisTtl().toSeconds()), write(d))
                            .call(() -> tell("refreshed", n))
                            .onFailure().recoverWithNull();
                })
                .eventually(() -> {
                    inFlight.remove(n); // a Runnable: the removed Uni must not be awaited by itself
                })
                .memoize().indefinitely());
    }

    /** Drops a dashboard from both tiers: the next reader computes it (tests, and an operator's escape hatch). */
    public Uni<Void> evict(String name) {
        local.invalidate(name);
        return redis.getdel(key(name)).onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Index changes mark the dashboards they touch stale and recompute them (at most once per debounce window). */
    void onChange(@Observes IndexChanged change) {
        Set<Kind> kinds = change.kinds().isEmpty() ? EnumSet.noneOf(Kind.class) : EnumSet.copyOf(change.kinds());
        if (kinds.contains(Kind.SERVER) || kinds.contains(Kind.LAB) || kinds.contains(Kind.NODE)
                || kinds.contains(Kind.LINK)) {
            invalidate("network");
        }
        if (kinds.contains(Kind.ANOMALY) || kinds.contains(Kind.INCIDENT) || kinds.contains(Kind.EVENT)) {
            invalidate("monitoring");
            invalidate("security");
        }
        if (!kinds.isEmpty()) {
            invalidate("system");
        }
    }

    public void invalidate(String name) {
        tell("invalidated", name).subscribe().with(x -> { }, e -> { });
        stale.add(name);
        if (pending.add(name)) {
            vertx.setTimer(DEBOUNCE.toMillis(), id -> {
                pending.remove(name);
                refresh(name).subscribe().with(d -> { }, e -> LOG.debugf("dashboard %s: %s", name, e.toString()));
            });
        }
    }

    /** Tells the other replicas what this one did to a dashboard ({@code <replica>|<what>|<name>}). */
    private Uni<Void> tell(String what, String name) {
        return pubsub.publish(channel(), replicaId + "|" + what + "|" + name).onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** Another replica invalidated or refreshed a dashboard: this replica's local copy is no longer the newest. */
    void onPeerMessage(String message) {
        String[] parts = message.split("\\|", 3);
        if (parts.length != 3 || parts[0].equals(replicaId) || !DashboardService.NAMES.contains(parts[2])) {
            return;
        }
        String name = parts[2];
        local.invalidate(name);
        if (parts[1].equals("invalidated")) {
            stale.add(name);
        } else if (parts[1].equals("refreshed")) {
            stale.remove(name);
        }
    }

    private String channel() {
        return config.dashboards().keyPrefix() + "dashboard-events";
    }

    private String key(String name) {
        return config.dashboards().keyPrefix() + "dashboard:" + name;
    }

    private static String write(Dashboard d) {
        try {
            return CloudEventCodec.mapper().writeValueAsString(d);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("dashboard not serialisable", e);
        }
    }

    private static Dashboard read(String json) {
        try {
            return CloudEventCodec.mapper().readValue(json, Dashboard.class);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
