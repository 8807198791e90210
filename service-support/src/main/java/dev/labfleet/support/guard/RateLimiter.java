package dev.labfleet.support.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * Token buckets in Redis, shared by every replica of every service. One atomic script reads a bucket, refills it for
 * the time passed (Redis' own clock, so replicas with skewed clocks agree), and takes tokens when there are some, or
 * says how long to wait when there are none. A bucket expires once it would be full again, so idle callers cost no
 * memory.
 *
 * <p><b>Leases.</b> A round trip to Redis per request was most of the guard's cost (docs/benchmarks.md). So a replica
 * takes a small batch of tokens from the shared bucket at once (a lease) and spends them on the caller's next
 * requests without asking Redis. Every token is taken from the shared bucket <em>before</em> it is spent, so over
 * time the replicas together never admit more than the limit. What a lease changes, exactly:
 * <ul>
 *   <li>size: {@code max(1, min(lease.max, floor(burst x lease.share)))}, by default {@code min(20, 5 % of
 *       the bucket)}: reads (100 a second, bursts of 200) lease 10 tokens, writes (30, 60) 3; a small limit (the acceptance's 10 a second with a bucket
 *       of 1) leases 1 token, which is exactly the bucket of old, a round trip per request;</li>
 *   <li>a replica holds at most one lease per bucket (requests that come while one is being taken ask for a single
 *       token), and spends it for {@code lease.ttl} at most [1s]; the tokens it did not spend go back to the bucket
 *       with its next call (capped at the bucket's size);</li>
 *   <li>the bound, across N replicas: in any window the requests admitted exceed what one exact bucket admits by at
 *       most {@code N x (lease - 1)} tokens (those leased before the window and spent in it), and never on average;
 *       the other way round, a caller may be refused on one replica while another holds up to {@code lease - 1} of
 *       its tokens, for at most {@code lease.ttl};</li>
 *   <li>{@code RateLimit-Remaining} is the bucket's count at the lease plus what is left of it here (other replicas'
 *       spending since is not seen until the next lease).</li>
 * </ul>
 * Settings: {@code labfleet.guard.rate-limit.lease.max} [20] ({@code LABFLEET_RATE_LIMIT_LEASE_MAX}; 1 turns leases
 * off), {@code .lease.share} [0.05], {@code .lease.ttl} [1s].
 */
@Singleton
public class RateLimiter {

    /**
     * KEYS[1] the bucket; ARGV[1] tokens a second, ARGV[2] the bucket's size, ARGV[3] the tokens wanted (at least 1),
     * ARGV[4] unspent tokens of an ended lease given back. Returns {tokens granted (0 when refused, else 1..wanted),
     * tokens left, milliseconds until a token is there (0 when granted), milliseconds until the bucket is full}.
     */
    static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local wanted = tonumber(ARGV[3])
            local back = tonumber(ARGV[4])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local b = redis.call('HMGET', KEYS[1], 't', 'ts')
            local tokens = tonumber(b[1])
            local ts = tonumber(b[2])
            if tokens == nil or ts == nil then
              tokens = burst
              ts = now
            end
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000 + back)
            local granted = 0
            local wait = 0
            if tokens >= 1 then
              granted = math.min(wanted, math.floor(tokens))
              tokens = tokens - granted
            else
              wait = math.ceil((1 - tokens) * 1000 / rate)
            end
            redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
            local full = math.ceil((burst - tokens) * 1000 / rate)
            redis.call('PEXPIRE', KEYS[1], full + 1000)
            return {granted, math.floor(tokens), wait, full}
            """;
    static final String SHA = sha1(SCRIPT);

    /** How leases are sized and how long a replica spends one. */
    public record LeaseSettings(int max, double share, Duration ttl) {

        public static final LeaseSettings NONE = new LeaseSettings(1, 0, Duration.ofSeconds(1));

        /** The tokens one lease takes for {@code limit} (1: no lease, a round trip per request). */
        public int size(GuardSettings.Limit limit) {
            return (int) Math.max(1, Math.min(max, (long) Math.floor(limit.burst() * share)));
        }

        static LeaseSettings fromConfig(Config c) {
            return new LeaseSettings(
                    c.getOptionalValue("labfleet.guard.rate-limit.lease.max", Integer.class).orElse(20),
                    c.getOptionalValue("labfleet.guard.rate-limit.lease.share", Double.class).orElse(0.05),
                    c.getOptionalValue("labfleet.guard.rate-limit.lease.ttl", Duration.class).orElse(Duration.ofSeconds(1)));
        }
    }

    /** What this replica holds of one bucket. Guarded by its own monitor. */
    static final class Lease {
        int tokens;
        long endsAtNanos;
        boolean taking;
        long bucketRemaining;
        long resetMillis;
        long answeredAtNanos;
    }

    private final ReactiveRedisDataSource redis;
    private final LeaseSettings leases;
    private final Cache<String, Lease> held;

    @Inject
    public RateLimiter(ReactiveRedisDataSource redis) {
        this(redis, LeaseSettings.fromConfig(ConfigProvider.getConfig()));
    }

    RateLimiter(ReactiveRedisDataSource redis, LeaseSettings leases) {
        this.redis = redis;
        this.leases = leases;
        // a lease unspent when its entry goes is lost to its caller until the bucket refills (never admitted twice)
        this.held = Caffeine.newBuilder().maximumSize(10_000).expireAfterAccess(leases.ttl().multipliedBy(10)).build();
    }

    /** The outcome of taking a token. */
    public record Decision(boolean allowed, int limit, long remaining, long retryAfterMillis, long resetMillis) {

        /** {@code Retry-After} in whole seconds, at least 1. */
        public long retryAfterSeconds() {
            return Math.max(1, (retryAfterMillis + 999) / 1000);
        }

        /** Seconds until the bucket is full again (the {@code RateLimit-Reset} header). */
        public long resetSeconds() {
            return (resetMillis + 999) / 1000;
        }
    }

    /**
     * Takes a token from this replica's lease of the bucket {@code key} without asking Redis, or answers null when it
     * holds none (then {@link #acquire} asks). The guard's synchronous path for the common case.
     */
    public Decision fromLease(String key, GuardSettings.Limit limit) {
        if (leases.size(limit) <= 1) {
            return null;
        }
        Lease lease = held.getIfPresent(key);
        if (lease == null) {
            return null;
        }
        synchronized (lease) {
            return spend(lease, limit, System.nanoTime());
        }
    }

    /** A token of the lease, or null when it has none left or has ended. Under the lease's monitor. */
    private static Decision spend(Lease lease, GuardSettings.Limit limit, long now) {
        if (lease.tokens > 0 && now - lease.endsAtNanos < 0) {
            lease.tokens--;
            long elapsed = (now - lease.answeredAtNanos) / 1_000_000;
            return new Decision(true, limit.burst(), lease.bucketRemaining + lease.tokens, 0,
                    Math.max(0, lease.resetMillis - elapsed));
        }
        return null;
    }

    /** Takes a token from the bucket {@code key} of {@code limit}: from this replica's lease when it holds one. */
    public Uni<Decision> acquire(String key, GuardSettings.Limit limit) {
        int size = leases.size(limit);
        if (size <= 1) {
            return call(key, limit, 1, 0).map(r -> decision(r, limit.burst(), 0));
        }
        Lease lease = held.get(key, k -> new Lease());
        int back;
        synchronized (lease) {
            Decision spent = spend(lease, limit, System.nanoTime());
            if (spent != null) {
                return Uni.createFrom().item(spent);
            }
            if (lease.taking) {
                // a lease is on its way: this request takes its own single token
                return call(key, limit, 1, 0).map(r -> decision(r, limit.burst(), 0));
            }
            back = lease.tokens;
            lease.tokens = 0;
            lease.taking = true;
        }
        return call(key, limit, size, back)
                .onFailure().invoke(() -> done(lease))
                .onCancellation().invoke(() -> done(lease))
                .map(r -> {
                    long granted = r.get(0).toLong();
                    synchronized (lease) {
                        lease.taking = false;
                        if (granted < 1) {
                            return decision(r, limit.burst(), 0);
                        }
                        long now = System.nanoTime();
                        lease.tokens += (int) granted - 1;
                        lease.endsAtNanos = now + leases.ttl().toNanos();
                        lease.bucketRemaining = r.get(1).toLong();
                        lease.resetMillis = r.get(3).toLong();
                        lease.answeredAtNanos = now;
                        return decision(r, limit.burst(), lease.tokens);
                    }
                });
    }

    private static void done(Lease lease) {
        synchronized (lease) {
            lease.taking = false;
        }
    }

    private Uni<Response> call(String key, GuardSettings.Limit limit, int wanted, int back) {
        String rate = Double.toString(limit.perSecond());
        String burst = Integer.toString(limit.burst());
        String want = Integer.toString(wanted);
        String giveBack = Integer.toString(back);
        return redis.execute("EVALSHA", SHA, "1", key, rate, burst, want, giveBack)
                .onFailure(RateLimiter::noScript)
                .recoverWithUni(() -> redis.execute("EVAL", SCRIPT, "1", key, rate, burst, want, giveBack));
    }

    private static Decision decision(Response r, int burst, int heldHere) {
        return new Decision(r.get(0).toLong() >= 1, burst, r.get(1).toLong() + heldHere, r.get(2).toLong(), r.get(3).toLong());
    }

    static boolean noScript(Throwable e) {
        return e.getMessage() != null && e.getMessage().contains("NOSCRIPT");
    }

    static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
