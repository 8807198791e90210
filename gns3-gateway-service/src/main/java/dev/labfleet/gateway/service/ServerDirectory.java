package dev.labfleet.gateway.service;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.config.GatewayConfig;
import dev.labfleet.gateway.domain.Gns3Server;
import dev.labfleet.gateway.repository.Gns3ServerRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Registry rows as {@link Gns3Endpoint}s for the client, cached for a few seconds so a proxied call costs no
 * database round trip. Changes made through this replica take effect at once; other replicas see them within the
 * cache TTL.
 */
@ApplicationScoped
public class ServerDirectory {

    private final Gns3ServerRepository repository;
    private final CredentialCipher cipher;
    private final GatewayConfig config;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    public ServerDirectory(Gns3ServerRepository repository, CredentialCipher cipher, GatewayConfig config) {
        this.repository = repository;
        this.cipher = cipher;
        this.config = config;
    }

    /** The endpoint of an enabled server; 404 when unknown, 409 when disabled. */
    public Uni<Gns3Endpoint> endpoint(UUID serverId) {
        Cached cached = cache.get(serverId);
        if (cached != null && System.nanoTime() - cached.loadedAt < config.client().registryCacheTtl().toNanos()) {
            return Uni.createFrom().item(usable(cached));
        }
        return find(serverId).map(server -> {
            if (server == null) {
                cache.remove(serverId);
                throw ProblemException.notFound("no GNS3 server " + serverId + " is registered");
            }
            Cached fresh = new Cached(toEndpoint(server), server.enabled, System.nanoTime());
            cache.put(serverId, fresh);
            return usable(fresh);
        });
    }

    /**
     * The registry row, read on a Vert.x event loop as Hibernate Reactive requires: a {@code @Blocking} endpoint
     * (the streamed import) calls this from a worker thread, whose Vert.x context is still the request's.
     */
    private Uni<Gns3Server> find(UUID serverId) {
        Uni<Gns3Server> find = Uni.createFrom().deferred(() -> Panache.withSession(() -> repository.findById(serverId)));
        io.vertx.core.Context context = io.vertx.core.Vertx.currentContext();
        if (io.vertx.core.Context.isOnEventLoopThread() || context == null || !context.isEventLoopContext()) {
            return find;
        }
        return find.runSubscriptionOn(task -> context.runOnContext(ignored -> task.run()));
    }

    public void invalidate(UUID serverId) {
        cache.remove(serverId);
    }

    /** The endpoint of a row already loaded (decrypting its password). */
    public Gns3Endpoint toEndpoint(Gns3Server server) {
        GatewayConfig.Client defaults = config.client();
        String password;
        try {
            password = cipher.decrypt(server.id, server.passwordCiphertext);
        } catch (CredentialCipher.CredentialException e) {
            throw new ProblemException(Problem.of(ProblemTypes.CONFLICT, "GNS3 server " + server.name + ": "
                    + e.getMessage()).with("serverId", server.id));
        }
        return new Gns3Endpoint(server.id, server.name, URI.create(server.url), server.username, password,
                server.verifyTls,
                millis(server.readTimeoutMs, defaults.readTimeout()),
                millis(server.writeTimeoutMs, defaults.writeTimeout()),
                millis(server.lifecycleTimeoutMs, defaults.lifecycleTimeout()),
                millis(server.transferTimeoutMs, defaults.transferTimeout()),
                server.maxConcurrent == null ? defaults.maxConcurrent() : server.maxConcurrent,
                server.version);
    }

    private static Gns3Endpoint usable(Cached cached) {
        if (!cached.enabled) {
            throw new ProblemException(Problem.of(ProblemTypes.CONFLICT, "GNS3 server " + cached.endpoint.name()
                    + " is disabled; enable it to use it").with("serverId", cached.endpoint.serverId()));
        }
        return cached.endpoint;
    }

    private static Duration millis(Long value, Duration fallback) {
        return value == null ? fallback : Duration.ofMillis(value);
    }

    private record Cached(Gns3Endpoint endpoint, boolean enabled, long loadedAt) {
    }
}
