package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.config.GatewayConfig;
import dev.labfleet.gateway.service.ServerDirectory;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bridges GNS3 notification WebSockets to Kafka: supervises which servers this replica bridges. For each enabled
 * server whose lease ({@link BridgeLeases}) this replica holds, it keeps the server's {@link ServerStreams} (the
 * controller stream and the stream of each opened project, every notification a {@code gns3.<action>} CloudEvent),
 * and each server's {@link ServerResync} republishes its full state whenever consumers may have missed something (a
 * (re)connect, an event Kafka did not acknowledge), so consumers converge on GNS3's state after a Kafka outage
 * without a restart of anything.
 *
 * <p>With several replicas, each server is bridged by one replica: the one holding its lease, renewed every supervise
 * interval; a replica that stops renewing is replaced after the lease runs out, and one that shuts down gives its
 * leases up at once.
 */
@ApplicationScoped
public class NotificationBridge {

    private static final Logger LOG = Logger.getLogger(NotificationBridge.class);

    private final Pool pool;
    private final ServerDirectory directory;
    private final BridgeLeases leases;
    private final GatewayConfig config;
    private final BridgeContext context;
    private final Map<UUID, ServerStreams> bridges = new ConcurrentHashMap<>();

    public NotificationBridge(Vertx vertx, Pool pool, ServerDirectory directory, Gns3Client client,
                              Gns3EventPublisher publisher, BridgeLeases leases, GatewayConfig config,
                              ObjectMapper mapper) {
        this.pool = pool;
        this.directory = directory;
        this.leases = leases;
        this.config = config;
        this.context = new BridgeContext(vertx, client, publisher, config, mapper);
    }

    /** Starts, keeps and stops bridges so that they match the enabled servers whose lease this replica holds. */
    @Scheduled(every = "${labfleet.gateway.bridge.supervise-interval:3s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> supervise() {
        if (!config.bridge().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return pool.query("select id from gns3_server where enabled").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows).map(r -> r.getUUID("id")))
                // one after the other: directory lookups may share this context's database session
                .onItem().transformToUniAndConcatenate(id -> leases.acquire(id).chain(owned -> owned
                        ? directory.endpoint(id).invoke(this::ensure).replaceWith(id)
                        : Uni.createFrom().nullItem()).onFailure().recoverWithNull())
                .collect().asList()
                .invoke(ids -> {
                    Set<UUID> keep = new HashSet<>(ids);
                    bridges.keySet().stream().filter(id -> !keep.contains(id)).toList().forEach(this::stop);
                })
                .replaceWithVoid()
                .ifNoItem().after(Duration.ofMinutes(1)).recoverWithItem((Void) null)
                .onFailure().invoke(e -> LOG.debugf("bridge supervision failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    /** Whether this replica currently bridges a server and its controller stream is connected. */
    public boolean connected(UUID serverId) {
        ServerStreams bridge = bridges.get(serverId);
        return bridge != null && bridge.connected();
    }

    void shutdown(@Observes ShutdownEvent event) {
        bridges.keySet().forEach(id -> {
            stop(id);
            leases.release(id);
        });
    }

    /** Keeps the server's streams (opening newly opened projects'), or replaces them when its registry row changed. */
    private void ensure(Gns3Endpoint endpoint) {
        ServerStreams current = bridges.get(endpoint.serverId());
        if (current != null && current.endpoint().revision() == endpoint.revision()) {
            current.refreshProjects();
            return;
        }
        if (current != null) {
            current.stop();
        }
        ServerStreams bridge = new ServerStreams(context, endpoint);
        bridges.put(endpoint.serverId(), bridge);
        bridge.connect();
    }

    private void stop(UUID serverId) {
        ServerStreams bridge = bridges.remove(serverId);
        if (bridge != null) {
            bridge.stop();
        }
    }
}
