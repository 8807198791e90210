package dev.labfleet.support.guard;

import io.quarkus.redis.runtime.datasource.ReactiveRedisDataSourceImpl;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.RedisAPI;
import io.vertx.mutiny.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The rate limiter's leases against the real Redis of scripts/infra.sh (keys of this run's own): a replica takes a
 * batch of tokens from the shared bucket with one script call and spends them without asking again; unspent tokens
 * of an ended lease go back to the bucket; two replicas leasing from one bucket admit no more than the bucket allows
 * plus the documented bound; small limits lease nothing (a round trip per request, as before).
 */
class RateLimiterLeaseTest {

    private static Vertx vertx;
    private static Redis client;
    private static ReactiveRedisDataSourceImpl redis;
    private final String prefix = "labfleet:guard:test:lease:" + UUID.randomUUID() + ":";

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        client = Redis.createClient(vertx, System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
        redis = new ReactiveRedisDataSourceImpl(vertx, client, RedisAPI.api(client));
    }

    @AfterAll
    static void close() {
        client.close();
        vertx.closeAndAwait();
    }

    private String tokensIn(String key) {
        Response r = redis.execute("HGET", key, "t").await().atMost(Duration.ofSeconds(10));
        return r == null ? null : r.toString();
    }

    private static RateLimiter.Decision take(RateLimiter limiter, String key, GuardSettings.Limit limit) {
        return limiter.acquire(key, limit).await().atMost(Duration.ofSeconds(10));
    }

    @Test
    void leaseSizes() {
        RateLimiter.LeaseSettings defaults = new RateLimiter.LeaseSettings(20, 0.05, Duration.ofSeconds(1));
        assertThat(defaults.size(new GuardSettings.Limit(10, 1))).as("the acceptance's 10/s, bucket of 1").isEqualTo(1);
        assertThat(defaults.size(new GuardSettings.Limit(1, 5))).isEqualTo(1);
        assertThat(defaults.size(new GuardSettings.Limit(100, 200))).as("reads by default").isEqualTo(10);
        assertThat(defaults.size(new GuardSettings.Limit(2, 10))).as("expensive by default").isEqualTo(1);
        assertThat(defaults.size(new GuardSettings.Limit(1_000_000, 1_000_000))).isEqualTo(20);
        assertThat(defaults.size(new GuardSettings.Limit(30, 60))).as("writes by default").isEqualTo(3);
        assertThat(RateLimiter.LeaseSettings.NONE.size(new GuardSettings.Limit(1_000_000, 1_000_000))).isEqualTo(1);
    }

    @Test
    void aLeaseIsTakenOnceAndSpentHere() {
        RateLimiter limiter = new RateLimiter(redis, new RateLimiter.LeaseSettings(10, 1, Duration.ofMinutes(1)));
        GuardSettings.Limit limit = new GuardSettings.Limit(0.001, 100);
        String key = prefix + "spent";
        RateLimiter.Decision first = take(limiter, key, limit);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(99);
        assertThat(Double.parseDouble(tokensIn(key))).as("the bucket after one request").isEqualTo(90, org.assertj.core.data.Offset.offset(0.5));
        String afterLease = tokensIn(key);
        for (int i = 0; i < 9; i++) {
            RateLimiter.Decision d = take(limiter, key, limit);
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(90 + 8 - i);
        }
        assertThat(tokensIn(key)).as("nine more requests, no script call").isEqualTo(afterLease);
        assertThat(take(limiter, key, limit).allowed()).isTrue();
        assertThat(Double.parseDouble(tokensIn(key))).as("the next lease").isEqualTo(80, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void unspentTokensGoBackWhenTheLeaseEnds() {
        Duration ttl = Duration.ofMillis(300);
        RateLimiter limiter = new RateLimiter(redis, new RateLimiter.LeaseSettings(10, 1, ttl));
        // a refill too slow to matter in this test: what comes back is the lease's nine unspent tokens
        GuardSettings.Limit limit = new GuardSettings.Limit(0.001, 100);
        String key = prefix + "back";
        assertThat(take(limiter, key, limit).allowed()).isTrue();
        assertThat(Double.parseDouble(tokensIn(key))).isEqualTo(90, org.assertj.core.data.Offset.offset(0.5));
        long ends = System.nanoTime() + ttl.toNanos();
        await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - ends > 0);
        assertThat(take(limiter, key, limit).allowed()).isTrue();
        // 90 + 9 given back - 10 of the new lease
        assertThat(Double.parseDouble(tokensIn(key))).isEqualTo(89, org.assertj.core.data.Offset.offset(0.5));
    }

    @Test
    void twoReplicasLeasingFromOneBucketStayWithinItsLimit() {
        RateLimiter.LeaseSettings leases = new RateLimiter.LeaseSettings(5, 0.25, Duration.ofSeconds(1));
        List<RateLimiter> replicas = List.of(new RateLimiter(redis, leases), new RateLimiter(redis, leases));
        GuardSettings.Limit limit = new GuardSettings.Limit(10, 20);
        int lease = leases.size(limit);
        assertThat(lease).isEqualTo(5);
        String alice = prefix + "alice";
        String bob = prefix + "bob";
        long started = System.nanoTime();
        int allowed = 0;
        int refused = 0;
        int i = 0;
        while (System.nanoTime() - started < Duration.ofSeconds(2).toNanos()) {
            RateLimiter.Decision d = take(replicas.get(i++ % 2), alice, limit);
            if (d.allowed()) {
                allowed++;
            } else {
                refused++;
                assertThat(d.retryAfterSeconds()).isGreaterThanOrEqualTo(1);
                assertThat(d.remaining()).isZero();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(refused).as("refusals in %d requests", i).isPositive();
        // one exact bucket: its 20 plus 10 a second; leases: at most (lease - 1) more per replica
        assertThat(allowed).as("admitted in %.2f s", seconds)
                .isGreaterThanOrEqualTo(20)
                .isLessThanOrEqualTo(20 + (int) Math.ceil(seconds * 10) + 2 * (lease - 1));
        // another principal's bucket is untouched by alice's
        assertThat(take(replicas.get(0), bob, limit).allowed()).isTrue();
        assertThat(take(replicas.get(1), bob, limit).allowed()).isTrue();
    }
}
