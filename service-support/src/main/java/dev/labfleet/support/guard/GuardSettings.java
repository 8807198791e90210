package dev.labfleet.support.guard;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The guard's settings (defaults in common-api's {@code META-INF/microprofile-config.properties}; environment
 * variables in parentheses).
 *
 * <ul>
 *   <li>{@code labfleet.guard.paths}: the paths that are guarded (rate limited, banned, audited), a regular
 *       expression [{@code /api/.*|/graphql.*}]; health, metrics, OpenAPI and static files are not.</li>
 *   <li>{@code labfleet.guard.key-prefix}: the Redis key prefix [{@code labfleet:guard:}]; tests use one per run.</li>
 *   <li>{@code labfleet.guard.trusted-proxies}: addresses whose {@code X-Forwarded-For} is believed (the edge)
 *       [127.0.0.1, ::1] ({@code LABFLEET_TRUSTED_PROXIES}); the client address is the right-most untrusted hop.</li>
 *   <li>{@code labfleet.guard.rate-limit.enabled} [true] ({@code LABFLEET_RATE_LIMITS}); per class
 *       ({@code reads}, {@code writes}, {@code expensive}): {@code labfleet.guard.rate-limit.<class>.per-second}
 *       (tokens added a second) and {@code .burst} (the bucket's size);
 *       {@code labfleet.guard.rate-limit.expensive-paths}, a regular expression on the path.</li>
 *   <li>{@code labfleet.guard.ban.enabled} [true]; {@code .max-failures} authentication failures within
 *       {@code .window} ban an address for {@code .duration}; {@code .ignore-addresses} are never banned.</li>
 *   <li>{@code labfleet.guard.audit.enabled} [true]: audit events on {@code lab.audit}.</li>
 * </ul>
 */
public final class GuardSettings {

    /** Exports, imports, reindex, batches, syncs and everything a lab's topology does (plan, apply, drift). */
    public static final String EXPENSIVE_DEFAULT =
            ".*/(export|import|reindex|batch|sync)(/.*)?|/api/v1/projects/[^/]+/topology(/.*)?";

    public final Pattern paths;
    public final String keyPrefix;
    public final String service;
    public final Set<String> trustedProxies;
    public final boolean rateLimitEnabled;
    public final Map<RouteClass, Limit> limits;
    public final Pattern expensivePaths;
    /** Paths whose every method only reads (GraphQL, read-only here): rate limited as reads, not audited as changes. */
    public final Pattern readOnlyPaths = Pattern.compile("/graphql.*");
    public final boolean banEnabled;
    public final int banMaxFailures;
    public final Duration banWindow;
    public final Duration banDuration;
    public final Set<String> banIgnore;
    public final boolean auditEnabled;

    /** A bucket: {@code perSecond} tokens are added a second up to {@code burst}; a request takes one. */
    public record Limit(double perSecond, int burst) {
        public Limit {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("a rate limit needs per-second > 0 and burst >= 1");
            }
        }
    }

    public GuardSettings(Pattern paths, String keyPrefix, String service, Set<String> trustedProxies,
                         boolean rateLimitEnabled, Map<RouteClass, Limit> limits, Pattern expensivePaths,
                         boolean banEnabled, int banMaxFailures, Duration banWindow, Duration banDuration,
                         Set<String> banIgnore, boolean auditEnabled) {
        this.paths = paths;
        this.keyPrefix = keyPrefix;
        this.service = service;
        this.trustedProxies = trustedProxies;
        this.rateLimitEnabled = rateLimitEnabled;
        this.limits = limits;
        this.expensivePaths = expensivePaths;
        this.banEnabled = banEnabled;
        this.banMaxFailures = banMaxFailures;
        this.banWindow = banWindow;
        this.banDuration = banDuration;
        this.banIgnore = banIgnore;
        this.auditEnabled = auditEnabled;
    }

    /** The settings of the running application. */
    public static GuardSettings fromConfig() {
        Config c = ConfigProvider.getConfig();
        Map<RouteClass, Limit> limits = new EnumMap<>(RouteClass.class);
        for (RouteClass rc : RouteClass.values()) {
            String base = "labfleet.guard.rate-limit." + rc.wire();
            limits.put(rc, new Limit(c.getValue(base + ".per-second", Double.class),
                    c.getValue(base + ".burst", Integer.class)));
        }
        return new GuardSettings(
                Pattern.compile(c.getOptionalValue("labfleet.guard.paths", String.class).orElse("/api/.*|/graphql.*")),
                c.getOptionalValue("labfleet.guard.key-prefix", String.class).orElse("labfleet:guard:"),
                c.getOptionalValue("labfleet.service", String.class).orElse("service"),
                list(c, "labfleet.guard.trusted-proxies", "127.0.0.1,::1,0:0:0:0:0:0:0:1"),
                c.getOptionalValue("labfleet.guard.rate-limit.enabled", Boolean.class).orElse(true),
                limits,
                Pattern.compile(c.getOptionalValue("labfleet.guard.rate-limit.expensive-paths", String.class)
                        .orElse(EXPENSIVE_DEFAULT)),
                c.getOptionalValue("labfleet.guard.ban.enabled", Boolean.class).orElse(true),
                c.getOptionalValue("labfleet.guard.ban.max-failures", Integer.class).orElse(10),
                c.getOptionalValue("labfleet.guard.ban.window", Duration.class).orElse(Duration.ofMinutes(10)),
                c.getOptionalValue("labfleet.guard.ban.duration", Duration.class).orElse(Duration.ofMinutes(15)),
                list(c, "labfleet.guard.ban.ignore-addresses", ""),
                c.getOptionalValue("labfleet.guard.audit.enabled", Boolean.class).orElse(true));
    }

    private static Set<String> list(Config c, String name, String fallback) {
        String value = c.getOptionalValue(name, String.class).orElse(fallback);
        return List.of(value.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean guarded(String path) {
        return path != null && paths.matcher(path).matches();
    }

    /** The class of a request, for its rate limit. */
    public RouteClass classOf(String method, String path) {
        if (path != null && expensivePaths.matcher(path).matches()) {
            return RouteClass.EXPENSIVE;
        }
        return mutating(method, path) ? RouteClass.WRITES : RouteClass.READS;
    }

    /** Whether a request may change something: any method but GET, HEAD and OPTIONS, off the read-only paths. */
    public boolean mutating(String method, String path) {
        return !("GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method))
                && !(path != null && readOnlyPaths.matcher(path).matches());
    }
}
