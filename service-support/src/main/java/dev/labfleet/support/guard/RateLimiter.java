package dev.labfleet.support.guard;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Token buckets in Redis, shared by every replica of every service: one atomic script per request reads the
 * bucket, refills it for the time passed (Redis' own clock, so replicas with skewed clocks agree), takes a token
 * when there is one and says how long to wait when there is none. A bucket expires once it would be full again, so
 * idle callers cost no memory.
 */
@Singleton
public class RateLimiter {

    /**
     * KEYS[1] the bucket; ARGV[1] tokens a second, ARGV[2] the bucket's size. Returns {allowed (0/1), tokens left,
     * milliseconds until a token is there (0 when allowed), milliseconds until the bucket is full}.
     */
    static final String SCRIPT = """
            local rate = tonumber(ARGV[1])
            local burst = tonumber(ARGV[2])
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local b = redis.call('HMGET', KEYS[1], 't', 'ts')
            local tokens = tonumber(b[1])
            local ts = tonumber(b[2])
            if tokens == nil or ts == nil then
              tokens = burst
              ts = now
            end
            tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
            local allowed = 0
            local wait = 0
            if tokens >= 1 then
              tokens = tokens - 1
              allowed = 1
            else
              wait = math.ceil((1 - tokens) * 1000 / rate)
            end
            redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
            local full = math.ceil((burst - tokens) * 1000 / rate)
            redis.call('PEXPIRE', KEYS[1], full + 1000)
            return {allowed, math.floor(tokens), wait, full}
            """;
    static final String SHA = sha1(SCRIPT);

    private final ReactiveRedisDataSource redis;

    public RateLimiter(ReactiveRedisDataSource redis) {
        this.redis = redis;
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

    /** Takes a token from the bucket {@code key} of {@code limit}. */
    public Uni<Decision> acquire(String key, GuardSettings.Limit limit) {
        String rate = Double.toString(limit.perSecond());
        String burst = Integer.toString(limit.burst());
        return redis.execute("EVALSHA", SHA, "1", key, rate, burst)
                .onFailure(RateLimiter::noScript).recoverWithUni(() -> redis.execute("EVAL", SCRIPT, "1", key, rate, burst))
                .map(r -> decision(r, limit.burst()));
    }

    private static Decision decision(Response r, int burst) {
        return new Decision(r.get(0).toLong() == 1, burst, r.get(1).toLong(), r.get(2).toLong(), r.get(3).toLong());
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
