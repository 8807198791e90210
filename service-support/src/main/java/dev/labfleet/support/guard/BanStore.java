package dev.labfleet.support.guard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * fail2ban in Redis, shared by every replica of every service: authentication failures are counted per address in a
 * window ({@code labfleet.guard.ban.window}); the {@code max-failures}-th bans the address for
 * {@code labfleet.guard.ban.duration}. A ban is a key that expires by itself, plus an entry in a sorted set (by end
 * time) so that admins can list the bans in force and lift one.
 *
 * <p>Every guarded request asks whether its address is banned. Each replica keeps the answer for
 * {@code labfleet.guard.ban.cache-ttl} [1s] ({@code LABFLEET_BAN_CACHE_TTL}; 0 asks Redis every time), a ban no
 * longer than until it ends: a ban imposed or lifted on this replica applies here at once, one imposed or lifted on
 * another replica within that time. Without it every request paid a Redis round trip for an answer that is almost
 * always "no" (docs/benchmarks.md, the guard's overhead).
 */
@Singleton
public class BanStore {

    /**
     * KEYS[1] the failure counter, KEYS[2] the ban, KEYS[3] the set of bans; ARGV[1] the window in ms, ARGV[2] the
     * failures that ban, ARGV[3] the ban's length in ms, ARGV[4] the address, ARGV[5] the ban as JSON (written when
     * it is imposed), ARGV[6] its end in epoch ms. Returns {banned now (0/1), failures counted}.
     */
    static final String FAILURE_SCRIPT = """
            if redis.call('EXISTS', KEYS[2]) == 1 then
              return {0, 0}
            end
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            if n >= tonumber(ARGV[2]) then
              redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[3])
              redis.call('ZADD', KEYS[3], ARGV[6], ARGV[4])
              redis.call('DEL', KEYS[1])
              return {1, n}
            end
            return {0, n}
            """;
    static final String FAILURE_SHA = RateLimiter.sha1(FAILURE_SCRIPT);
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** Addresses remembered at most; past that the memory is dropped and filled again (a flood of addresses). */
    static final int CACHE_MAX = 10_000;

    private final ReactiveRedisDataSource redis;
    private final GuardSettings settings;
    private final long cacheNanos;
    private final java.util.concurrent.ConcurrentHashMap<String, Known> known = new java.util.concurrent.ConcurrentHashMap<>();

    /** What this replica last heard about an address, and until when (System.nanoTime) it believes it. */
    private record Known(Optional<Ban> ban, long until) {
    }

    @Inject
    public BanStore(ReactiveRedisDataSource redis) {
        this(redis, GuardSettings.fromConfig(), org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("labfleet.guard.ban.cache-ttl", Duration.class).orElse(Duration.ofSeconds(1)));
    }

    BanStore(ReactiveRedisDataSource redis, GuardSettings settings, Duration cacheTtl) {
        this.redis = redis;
        this.settings = settings;
        this.cacheNanos = Math.max(0, cacheTtl.toNanos());
    }

    /** A store with other settings (tests: another key prefix, another threshold); it asks Redis every time. */
    public static BanStore of(ReactiveRedisDataSource redis, GuardSettings settings) {
        return new BanStore(redis, settings, Duration.ZERO);
    }

    /** A store with other settings that remembers answers for {@code cacheTtl}. */
    public static BanStore of(ReactiveRedisDataSource redis, GuardSettings settings, Duration cacheTtl) {
        return new BanStore(redis, settings, cacheTtl);
    }

    private void remember(String address, Optional<Ban> ban) {
        if (cacheNanos == 0) {
            return;
        }
        if (known.size() >= CACHE_MAX) {
            known.clear();
        }
        known.put(address, new Known(ban, System.nanoTime() + cacheNanos));
    }

    private String banKey(String address) {
        return settings.keyPrefix + "ban:" + address;
    }

    private String failKey(String address) {
        return settings.keyPrefix + "ban-failures:" + address;
    }

    private String setKey() {
        return settings.keyPrefix + "bans";
    }

    /**
     * What this replica believes about {@code address} without asking Redis (the ban in force, or empty), or null when
     * it does not know (then {@link #banOf} asks). The guard's synchronous path for the common case.
     */
    public Optional<Ban> knownBan(String address) {
        Known k = cacheNanos == 0 ? null : known.get(address);
        if (k != null && System.nanoTime() - k.until() < 0
                && (k.ban().isEmpty() || k.ban().get().until().isAfter(Instant.now()))) {
            return k.ban();
        }
        return null;
    }

    /** The ban in force on {@code address}, if any. */
    public Uni<Optional<Ban>> banOf(String address) {
        Optional<Ban> believed = knownBan(address);
        if (believed != null) {
            return Uni.createFrom().item(believed);
        }
        return redis.execute("GET", banKey(address)).map(r -> {
            Optional<Ban> ban = r == null ? Optional.empty() : Optional.of(parse(r.toString()));
            remember(address, ban);
            return ban;
        });
    }

    /**
     * Counts an authentication failure from {@code address}; returns the ban it imposed, if it was the one too many.
     * An address on {@code labfleet.guard.ban.ignore-addresses} is never counted.
     */
    public Uni<Optional<Ban>> recordFailure(String address) {
        if (!settings.banEnabled || settings.banIgnore.contains(address)) {
            return Uni.createFrom().item(Optional.empty());
        }
        Instant now = Instant.now();
        Ban ban = new Ban(address, now, now.plus(settings.banDuration), settings.banMaxFailures, settings.service);
        String[] args = {Long.toString(settings.banWindow.toMillis()), Integer.toString(settings.banMaxFailures),
                Long.toString(settings.banDuration.toMillis()), address, json(ban),
                Long.toString(ban.until().toEpochMilli())};
        String[] keys = {failKey(address), banKey(address), setKey()};
        return eval(FAILURE_SHA, FAILURE_SCRIPT, keys, args)
                .map(r -> r.get(0).toLong() == 1 ? Optional.of(ban) : Optional.<Ban>empty())
                .invoke(imposed -> imposed.ifPresent(b -> remember(address, imposed)));
    }

    /** Bans {@code address} for {@code duration} by hand (an admin). */
    public Uni<Ban> ban(String address, Duration duration) {
        Instant now = Instant.now();
        Ban ban = new Ban(address, now, now.plus(duration), 0, settings.service);
        return redis.execute("SET", banKey(address), json(ban), "PX", Long.toString(duration.toMillis()))
                .chain(() -> redis.execute("ZADD", setKey(), Long.toString(ban.until().toEpochMilli()), address))
                .invoke(() -> remember(address, Optional.of(ban)))
                .replaceWith(ban);
    }

    /** The bans in force, the one ending first first. */
    public Uni<List<Ban>> list() {
        String now = Long.toString(System.currentTimeMillis());
        return redis.execute("ZREMRANGEBYSCORE", setKey(), "-inf", "(" + now)
                .chain(() -> redis.execute("ZRANGE", setKey(), "0", "-1"))
                .chain(members -> {
                    if (members == null || members.size() == 0) {
                        return Uni.createFrom().item(List.<Ban>of());
                    }
                    List<String> keys = new ArrayList<>();
                    for (Response m : members) {
                        keys.add(banKey(m.toString()));
                    }
                    return redis.execute("MGET", keys.toArray(String[]::new)).map(values -> {
                        List<Ban> bans = new ArrayList<>();
                        for (Response v : values) {
                            if (v != null) {
                                bans.add(parse(v.toString()));
                            }
                        }
                        bans.sort(Comparator.comparing(Ban::until));
                        return bans;
                    });
                });
    }

    /** Lifts the ban on {@code address} and forgets its failures; false when there was none. */
    public Uni<Boolean> lift(String address) {
        return redis.execute("DEL", banKey(address))
                .invoke(() -> known.remove(address))
                .call(() -> redis.execute("DEL", failKey(address)))
                .call(() -> redis.execute("ZREM", setKey(), address))
                .map(deleted -> deleted != null && deleted.toLong() > 0);
    }

    private Uni<Response> eval(String sha, String script, String[] keys, String[] args) {
        List<String> evalSha = new ArrayList<>(List.of(sha, Integer.toString(keys.length)));
        evalSha.addAll(List.of(keys));
        evalSha.addAll(List.of(args));
        List<String> eval = new ArrayList<>(evalSha);
        eval.set(0, script);
        return redis.execute("EVALSHA", evalSha.toArray(String[]::new))
                .onFailure(RateLimiter::noScript).recoverWithUni(() -> redis.execute("EVAL", eval.toArray(String[]::new)));
    }

    private static String json(Ban ban) {
        try {
            return JSON.writeValueAsString(ban);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Ban parse(String json) {
        try {
            return JSON.readValue(json, Ban.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a ban in Redis is not JSON", e);
        }
    }
}
