package dev.labfleet.support.guard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guard's pure decisions: client address, route class, audit outcome, path facts, the RateLimit-Policy header. */
class GuardLogicTest {

    private static final Set<String> EDGE = Set.of("127.0.0.1", "10.0.0.2");

    @Test
    void theClientAddressIsTheRightMostUntrustedHop() {
        assertThat(ClientAddress.fromForwarded("203.0.113.7", "127.0.0.1", EDGE)).isEqualTo("203.0.113.7");
        // a client's own X-Forwarded-For entry on the left is not believed: the edge appended the real peer
        assertThat(ClientAddress.fromForwarded("1.2.3.4, 203.0.113.7", "127.0.0.1", EDGE)).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.fromForwarded("203.0.113.7, 10.0.0.2", "127.0.0.1", EDGE)).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.fromForwarded("2001:db8::1", "127.0.0.1", EDGE)).isEqualTo("2001:db8::1");
        assertThat(ClientAddress.fromForwarded(null, "127.0.0.1", EDGE)).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.fromForwarded("10.0.0.2", "127.0.0.1", EDGE)).isEqualTo("127.0.0.1");
    }

    @Test
    void aForwardedHeaderThatIsNotAddressesIsIgnored() {
        assertThat(ClientAddress.fromForwarded("'; DROP TABLE x; --", "127.0.0.1", EDGE)).isEqualTo("127.0.0.1");
        // CIDR blocks of proxies (pods of the edge or the ingress controller)
        java.util.Set<String> pods = java.util.Set.of("127.0.0.1", "10.42.0.0/16", "fd00::/8");
        assertThat(ClientAddress.fromForwarded("203.0.113.7, 10.42.3.9", "10.42.1.1", pods)).isEqualTo("203.0.113.7");
        assertThat(ClientAddress.fromForwarded("203.0.113.7, 10.43.3.9", "10.42.1.1", pods)).isEqualTo("10.43.3.9");
        assertThat(ClientAddress.trusted("fd12::5", pods)).isTrue();
        assertThat(ClientAddress.trusted("2001:db8::5", pods)).isFalse();
        assertThat(ClientAddress.trusted("10.42.0.1", java.util.Set.of("10.42.0.0/99", "not-an-ip/8"))).isFalse();
        assertThat(ClientAddress.fromForwarded("evil:key:*", "127.0.0.1", EDGE)).isEqualTo("127.0.0.1");
        assertThat(ClientAddress.fromForwarded("1.1.1.1,".repeat(200), "127.0.0.1", EDGE)).isEqualTo("127.0.0.1");
    }

    @Test
    void routeClassesFollowTheMethodAndTheExpensivePaths() {
        GuardSettings s = settings();
        assertThat(s.classOf("GET", "/api/v1/projects")).isEqualTo(RouteClass.READS);
        assertThat(s.classOf("HEAD", "/api/v1/projects")).isEqualTo(RouteClass.READS);
        assertThat(s.classOf("POST", "/api/v1/projects")).isEqualTo(RouteClass.WRITES);
        assertThat(s.classOf("DELETE", "/api/v1/projects/p1")).isEqualTo(RouteClass.WRITES);
        assertThat(s.classOf("GET", "/api/v1/projects/p1/export")).isEqualTo(RouteClass.EXPENSIVE);
        assertThat(s.classOf("POST", "/api/v1/projects/import")).isEqualTo(RouteClass.EXPENSIVE);
        assertThat(s.classOf("PUT", "/api/v1/projects/p1/topology")).isEqualTo(RouteClass.EXPENSIVE);
        assertThat(s.classOf("POST", "/api/v1/search/reindex")).isEqualTo(RouteClass.EXPENSIVE);
        assertThat(s.classOf("POST", "/api/v1/servers/s1/batch")).isEqualTo(RouteClass.EXPENSIVE);
        assertThat(s.classOf("POST", "/graphql")).as("GraphQL is read-only here").isEqualTo(RouteClass.READS);
        assertThat(s.mutating("POST", "/graphql")).isFalse();
        assertThat(s.mutating("PATCH", "/api/v1/projects/p1")).isTrue();
        assertThat(s.guarded("/api/v1/projects")).isTrue();
        assertThat(s.guarded("/graphql")).isTrue();
        assertThat(s.guarded("/q/health/ready")).isFalse();
        assertThat(s.guarded("/dashboard")).isFalse();
    }

    @Test
    void outcomes() {
        assertThat(GuardRoutes.outcome(null, 201, true)).isEqualTo("succeeded");
        assertThat(GuardRoutes.outcome(null, 204, true)).isEqualTo("succeeded");
        assertThat(GuardRoutes.outcome(null, 409, true)).isEqualTo("rejected");
        assertThat(GuardRoutes.outcome(null, 502, true)).isEqualTo("failed");
        assertThat(GuardRoutes.outcome(null, 401, false)).isEqualTo("unauthenticated");
        assertThat(GuardRoutes.outcome(null, 403, false)).isEqualTo("forbidden");
        assertThat(GuardRoutes.outcome(null, 429, false)).isEqualTo("rate-limited");
        assertThat(GuardRoutes.outcome("banned", 403, false)).isEqualTo("banned");
        assertThat(GuardRoutes.outcome(null, 200, false)).as("successful reads are not audited").isNull();
        assertThat(GuardRoutes.outcome(null, 404, false)).isNull();
    }

    @Test
    void pathFactsNameTheLabAndTheLastObject() {
        PathFacts f = PathFacts.of("/api/v1/servers/s1/projects/p1/nodes/n1/start");
        assertThat(f.projectId()).isEqualTo("p1");
        assertThat(f.objectType()).isEqualTo("nodes");
        assertThat(f.objectId()).isEqualTo("n1");
        PathFacts p = PathFacts.of("/api/v1/projects/p2/start");
        assertThat(p.projectId()).isEqualTo("p2");
        assertThat(p.objectType()).isEqualTo("projects");
        PathFacts none = PathFacts.of("/api/v1/projects");
        assertThat(none.projectId()).isNull();
        assertThat(none.objectId()).isNull();
        assertThat(PathFacts.of("/api/v1/projects/" + "x".repeat(2000)).path()).hasSize(512);
        assertThat(PathFacts.of("/api/v1/projects/..%2F..%2Fetc/x").projectId()).isNull();
    }

    @Test
    void policyHeader() {
        assertThat(GuardRoutes.policy(RouteClass.WRITES, new GuardSettings.Limit(10, 10))).isEqualTo("10;w=1;policy=\"writes\"");
        assertThat(GuardRoutes.policy(RouteClass.EXPENSIVE, new GuardSettings.Limit(2, 10))).isEqualTo("10;w=5;policy=\"expensive\"");
        // a strict 10 a second (a bucket of one): 10 per second, not 1
        assertThat(GuardRoutes.policy(RouteClass.READS, new GuardSettings.Limit(10, 1))).isEqualTo("10;w=1;policy=\"reads\"");
        assertThatThrownBy(() -> new GuardSettings.Limit(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterIsWholeSecondsAndAtLeastOne() {
        assertThat(new RateLimiter.Decision(false, 10, 0, 1, 100).retryAfterSeconds()).isEqualTo(1);
        assertThat(new RateLimiter.Decision(false, 10, 0, 1001, 100).retryAfterSeconds()).isEqualTo(2);
    }

    static GuardSettings settings() {
        Map<RouteClass, GuardSettings.Limit> limits = Map.of(RouteClass.READS, new GuardSettings.Limit(100, 200),
                RouteClass.WRITES, new GuardSettings.Limit(10, 10), RouteClass.EXPENSIVE, new GuardSettings.Limit(1, 2));
        return new GuardSettings(Pattern.compile("/api/.*|/graphql.*"), "test:", "test", EDGE, true, limits,
                Pattern.compile(GuardSettings.EXPENSIVE_DEFAULT), true, 3, Duration.ofMinutes(1), Duration.ofMinutes(5),
                Set.of(), true);
    }
}
