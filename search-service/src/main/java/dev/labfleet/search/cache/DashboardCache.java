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
    private static final long DEBOUNCE_MS = 200;

    private final DashboardService dashboards;
    private final SearchConfig config;
    private final ReactiveValueCommands<String, String> redis;
    private final Vertx vertx;
    private final Cache<String, Entry> local;
    private final Map<String, Uni<Entry>> inFlight = new ConcurrentHashMap<>();
    private final Map<String, Long> lastRefresh = new ConcurrentHashMap<>();
    private final Map<String, Long> changedAt = new ConcurrentHashMap<>();
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Set<String> stale = ConcurrentHashMap.newKeySet();
    private final Counter localHit;
    private final Counter localMiss;
    private final Counter redisHit;
    private final Counter redisMiss;
    private final Counter computations;
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
        this.computations = Counter.builder("labfleet_search_dashboard_computations")
                .description("Dashboards computed (warming, invalidation, cold reads)").register(registry);
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

    /**
     * A dashboard as served: its figures, where they came from, and its JSON. The figures are serialised once when a
     * tier takes them ({@link Entry}); an answer only appends its {@code cache} object, so a warm read costs a map
     * lookup and a byte copy, never a serialisation of the sections.
     */
    public record Served(Dashboard dashboard, Dashboard.CacheInfo cache, byte[] figures) {

        /** The answer's body: the figures' JSON with {@code "cache": {...}} as its last member. */
        public byte[] body() {
            byte[] tail = ("\"cache\":{\"tier\":\"" + cache.tier() + "\",\"ageMs\":" + cache.ageMs() + ",\"stale\":"
                    + cache.stale() + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            int end = figures.length - 1; // the figures' closing brace
            boolean empty = end == 1; // "{}"
            byte[] out = new byte[end + (empty ? 0 : 1) + tail.length];
            System.arraycopy(figures, 0, out, 0, end);
            int at = end;
            if (!empty) {
                out[at++] = ',';
            }
            System.arraycopy(tail, 0, out, at, tail.length);
            return out;
        }

        public Dashboard withCache() {
            return dashboard.with(cache);
        }
    }

    /** One dashboard's figures and their JSON (without {@code cache}), as a tier keeps them. */
    record Entry(Dashboard dashboard, byte[] json) {
        static Entry of(Dashboard d) {
            return new Entry(d, write(d).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** The dashboard from the nearest tier that has it, computing it when none does. */
    public Uni<Served> get(String name) {
        Entry cached = local.getIfPresent(name);
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
                        Entry entry = new Entry(fromRedis, json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        local.put(name, entry);
                        return Uni.createFrom().item(answer(entry, "redis"));
                    }
                    redisMiss.increment();
                    return refreshEntry(name).map(e -> new Served(e.dashboard(),
                            new Dashboard.CacheInfo("computed", 0, false), e.json()));
                });
    }

    /** The cached figures with their age; past fresh-for, a background refresh starts (one at a time). */
    private Served answer(Entry e, String tier) {
        Dashboard d = e.dashboard();
        long age = Duration.between(d.computedAt(), OffsetDateTime.now(ZoneOffset.UTC)).toMillis();
        boolean old = age > config.dashboards().freshFor().toMillis();
        if (old && !inFlight.containsKey(d.name())) {
            refresh(d.name()).subscribe().with(x -> { }, x -> { });
        }
        return new Served(d, new Dashboard.CacheInfo(tier, Math.max(0, age), old || stale.contains(d.name())), e.json());
    }

    /** Computes a dashboard once however many ask at the same time, and stores it in both tiers. */
    public Uni<Dashboard> refresh(String name) {
        return refreshEntry(name).map(Entry::dashboard);
    }

    private Uni<Entry> refreshEntry(String name) {
        return inFlight.computeIfAbsent(name, n -> {
            long started = System.nanoTime();
            computations.increment();
            return dashboards.compute(n)
                    .map(Entry::of)
                    .call(e -> {
                        local.put(n, e);
                        lastRefresh.put(n, started);
                        if (changedAt.getOrDefault(n, Long.MIN_VALUE) - started < 0) {
                            stale.remove(n); // no change came in while it was computed
                        }
                        return redis.setex(key(n), Math.max(1, config.dashboards().redisTtl().toSeconds()),
                                        new String(e.json(), java.nio.charset.StandardCharsets.UTF_8))
                                .call(() -> tell("refreshed", n))
                                .onFailure().recoverWithNull();
                    })
                    .eventually(() -> {
                        inFlight.remove(n); // a Runnable: the removed Uni must not be awaited by itself
                    })
                    .memoize().indefinitely();
        });
    }

    /** Drops a dashboard from both tiers: the next reader computes it (tests, and an operator's escape hatch). */
    public Uni<Void> evict(String name) {
        local.invalidate(name);
        lastRefresh.remove(name);
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

    /**
     * Marks a dashboard stale at once (here and, through Redis, on the other replicas) and schedules its refresh:
     * {@value #DEBOUNCE_MS} ms after the change, but never sooner than {@code refresh-after-change} after the previous
     * refresh. While events stream in (a fleet's burst, a reindex) a dashboard is thus recomputed at most once per
     * that interval, instead of every debounce window: each computation runs aggregates over the whole index and
     * calls every service, and recomputing them several times a second took the CPU and database time the indexing
     * needed (the index lag benchmark's consumer fell behind by tens of seconds). Readers meanwhile get the previous
     * figures marked {@code stale: true}.
     */
    public void invalidate(String name) {
        changedAt.put(name, System.nanoTime());
        if (stale.add(name)) {
            // tell the peers once per refresh cycle, not once per consumed batch
            tell("invalidated", name).subscribe().with(x -> { }, e -> { });
        }
        if (pending.add(name)) {
            long now = System.nanoTime();
            long minGap = config.dashboards().refreshAfterChange().toNanos();
            Long last = lastRefresh.get(name);
            long wait = DEBOUNCE_MS;
            if (last != null) {
                wait = Math.max(wait, (last + minGap - now) / 1_000_000);
            }
            vertx.setTimer(Math.max(1, wait), id -> {
                pending.remove(name);
                // a refresh already under way started before this change: the next one must follow it
                Uni<Entry> running = inFlight.get(name);
                Uni<Entry> after = running == null ? refreshEntry(name)
                        : running.onItemOrFailure().transformToUni((x, e) -> refreshEntry(name));
                after.subscribe().with(d -> { }, e -> LOG.debugf("dashboard %s: %s", name, e.toString()));
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
