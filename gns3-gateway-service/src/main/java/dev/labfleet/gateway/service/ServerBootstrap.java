package dev.labfleet.gateway.service;

import dev.labfleet.gateway.config.GatewayConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * At startup: registers the GNS3 servers of {@code LABFLEET_GNS3_URL} (idempotently, by URL) and re-encrypts
 * passwords made with an old key. Retried every few seconds until the database answers, without blocking startup.
 */
@ApplicationScoped
public class ServerBootstrap {

    private static final Logger LOG = Logger.getLogger(ServerBootstrap.class);

    private final ServerService servers;
    private final GatewayConfig config;
    private final AtomicBoolean done = new AtomicBoolean();

    public ServerBootstrap(ServerService servers, GatewayConfig config) {
        this.servers = servers;
        this.config = config;
    }

    @Scheduled(every = "5s", delay = 0, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> run() {
        if (done.get()) {
            return Uni.createFrom().voidItem();
        }
        List<String> urls = config.bootstrapUrls().orElse(List.of());
        return servers.registerAll(urls)
                .chain(added -> servers.reencryptStale())
                .invoke(reencrypted -> {
                    if (reencrypted > 0) {
                        LOG.infof("re-encrypted %d stored GNS3 password(s) with the current key", reencrypted);
                    }
                    done.set(true);
                })
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.warnf("registering configured GNS3 servers failed, will retry: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Whether the startup registration has completed. */
    public boolean done() {
        return done.get();
    }
}
