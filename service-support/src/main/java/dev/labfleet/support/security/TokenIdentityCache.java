package dev.labfleet.support.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The identities of bearer tokens this replica verified, kept briefly so that a client's repeated calls with the same
 * token skip parsing it and checking its RSA signature (docs/benchmarks.md, the guard's overhead: about 12 % of the
 * guarded gateway's CPU went there). quarkus-oidc's own {@code quarkus.oidc.token-cache} keeps introspection and
 * UserInfo answers only, never a JWT verified locally against the JWKS, hence this.
 *
 * <ul>
 *   <li>The key is the SHA-256 of the raw token (the token itself is neither kept as a key nor logged).</li>
 *   <li>An entry lives {@code labfleet.security.token-cache.ttl} [5s] ({@code LABFLEET_TOKEN_CACHE_TTL}; 0 turns the
 *       cache off), and never past the token's own {@code exp}: an expired token is verified again, and refused. A
 *       key the issuer retires stops this replica's cached tokens of that key at most the TTL after the JWKS refresh
 *       that drops it.</li>
 *   <li>At most {@code labfleet.security.token-cache.max-size} [10000] identities (least recently used go first).</li>
 *   <li>Only what verified is kept: a token that fails verification is never cached, so every new token, and every
 *       token again after its entry ends, is checked in full by quarkus-oidc.</li>
 *   <li>Off by itself when quarkus-oidc binds tokens to a proof that differs per request or connection (DPoP,
 *       mutual-TLS certificate binding): a cached identity would skip that proof.</li>
 * </ul>
 *
 * <p>Stored is a copy of the final identity (after every augmentor) without the request it was made on (OIDC puts the
 * {@link RoutingContext} in an attribute; a cached one would keep the first request, its body included, alive). The
 * hit gets the current request's context back ({@link CachedTokenMechanism}). Hits and misses are the Micrometer
 * cache metrics {@code cache_gets_total{cache="labfleet-token-identities"}}.
 */
@Singleton
public class TokenIdentityCache {

    private static final Logger LOG = Logger.getLogger(TokenIdentityCache.class);
    /** Marks an identity that came from this cache, so the augmentors that already ran on it step aside. */
    public static final String CACHED_ATTRIBUTE = "labfleet.token-cache";
    static final String NAME = "labfleet-token-identities";

    private record Entry(SecurityIdentity identity, long expiresAtMillis) {
    }

    private final Cache<String, Entry> cache;
    private final long ttlNanos;

    @Inject
    public TokenIdentityCache(MeterRegistry registry) {
        this(settings(ConfigProvider.getConfig()), Ticker.systemTicker());
        if (cache != null) {
            CaffeineCacheMetrics.monitor(registry, cache, NAME);
        }
    }

    TokenIdentityCache(Settings settings, Ticker ticker) {
        this.ttlNanos = settings.ttl().toNanos();
        this.cache = settings.enabled() ? Caffeine.newBuilder().maximumSize(settings.maxSize()).ticker(ticker)
                .expireAfter(new Expiry<String, Entry>() {
                    @Override
                    public long expireAfterCreate(String key, Entry entry, long currentTime) {
                        return lifetime(entry);
                    }

                    @Override
                    public long expireAfterUpdate(String key, Entry entry, long currentTime, long currentDuration) {
                        return lifetime(entry);
                    }

                    @Override
                    public long expireAfterRead(String key, Entry entry, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                }).recordStats().build() : null;
    }

    /** The cache's settings: its TTL (0: off), its size, and whether token binding forbids it. */
    record Settings(Duration ttl, long maxSize, boolean bound) {
        boolean enabled() {
            return !bound && ttl.toMillis() > 0 && maxSize > 0;
        }
    }

    static Settings settings(Config c) {
        Duration ttl = c.getOptionalValue("labfleet.security.token-cache.ttl", Duration.class).orElse(Duration.ofSeconds(5));
        long max = c.getOptionalValue("labfleet.security.token-cache.max-size", Long.class).orElse(10_000L);
        boolean dpop = c.getOptionalValue("quarkus.oidc.token.authorization-scheme", String.class)
                .map(s -> s.equalsIgnoreCase("DPoP")).orElse(false);
        boolean certificate = c.getOptionalValue("quarkus.oidc.token.binding.certificate", Boolean.class).orElse(false);
        if ((dpop || certificate) && ttl.toMillis() > 0) {
            LOG.info("the token cache is off: tokens are bound to a per-request proof (DPoP or a client certificate)");
        }
        return new Settings(ttl, max, dpop || certificate);
    }

    public boolean enabled() {
        return cache != null;
    }

    /** The identity of {@code token} if this replica verified it and its entry has not ended, else null. */
    public SecurityIdentity lookup(String token) {
        if (cache == null || token == null) {
            return null;
        }
        Entry entry = cache.getIfPresent(key(token));
        // (the entry ends at exp anyway; this guards against a clock that jumped)
        return entry == null || entry.expiresAtMillis() <= System.currentTimeMillis() ? null : entry.identity();
    }

    /** Keeps a verified identity (final, after the augmentors) of a bearer token with an expiry. */
    public void remember(SecurityIdentity identity) {
        if (cache == null || identity == null || identity.isAnonymous() || identity.getAttribute(CACHED_ATTRIBUTE) != null
                || !(identity instanceof QuarkusSecurityIdentity quarkus)
                || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            return;
        }
        AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
        long exp = jwt.getExpirationTime();
        if (credential == null || credential.getToken() == null || exp <= 0) {
            return;
        }
        long expiresAtMillis = exp * 1000;
        if (expiresAtMillis <= System.currentTimeMillis()) {
            return;
        }
        cache.put(key(credential.getToken()), new Entry(detached(quarkus), expiresAtMillis));
    }

    /** The identity without the request it was verified on, marked as cached. */
    static SecurityIdentity detached(QuarkusSecurityIdentity identity) {
        Map<String, Object> attributes = new HashMap<>(identity.getAttributes());
        attributes.remove(RoutingContext.class.getName());
        attributes.put(CACHED_ATTRIBUTE, Boolean.TRUE);
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(identity.getPrincipal())
                .addRoles(identity.getRoles())
                .addCredentials(identity.getCredentials())
                .addPermissions(identity.getPermissions() == null ? java.util.Set.of() : identity.getPermissions())
                .addAttributes(attributes)
                .build();
    }

    /** The cached identity for one request: the request's own context in the attribute OIDC keeps it in. */
    static SecurityIdentity forRequest(SecurityIdentity cached, RoutingContext context) {
        return context == null ? cached
                : QuarkusSecurityIdentity.builder(cached).addAttribute(RoutingContext.class.getName(), context).build();
    }

    private long lifetime(Entry entry) {
        long untilExp = TimeUnit.MILLISECONDS.toNanos(Math.max(0, entry.expiresAtMillis() - System.currentTimeMillis()));
        return Math.min(ttlNanos, untilExp);
    }

    void invalidateAll() {
        if (cache != null) {
            cache.invalidateAll();
        }
    }

    long size() {
        if (cache == null) {
            return 0;
        }
        cache.cleanUp();
        return cache.estimatedSize();
    }

    static String key(String token) {
        try {
            return Base64.getEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
