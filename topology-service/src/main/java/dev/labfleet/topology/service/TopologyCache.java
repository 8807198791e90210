package dev.labfleet.topology.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.topology.client.LabClient;
import dev.labfleet.topology.config.TopologyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.keys.ReactiveKeyCommands;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * A project's node and link lists (GNS3's own JSON, through the gateway), cached in Redis for
 * {@code labfleet.topology.cache.topology-ttl}. Redis is only a cache: when it is unreachable reads go to the
 * gateway and nothing fails.
 *
 * <p>Invalidation bumps the project's generation counter instead of deleting keys: entries are stored under the
 * generation read before the gateway was asked, so a read racing an invalidation can only fill a key nobody reads
 * any more, never bring a stale list back.
 */
@ApplicationScoped
public class TopologyCache {

    private static final Logger LOG = Logger.getLogger(TopologyCache.class);
    /** Generation counters outlive every entry by far, so a counter expiring cannot revive an old entry. */
    private static final Duration GENERATION_TTL = Duration.ofDays(1);

    private final LabClient labs;
    private final ReactiveValueCommands<String, String> values;
    private final ReactiveKeyCommands<String> keys;
    private final ObjectMapper mapper;
    private final TopologyConfig config;
    private final Counter invalidationFailures;

    public TopologyCache(LabClient labs, ReactiveRedisDataSource redis, ObjectMapper mapper, TopologyConfig config,
                         MeterRegistry registry) {
        this.invalidationFailures = Counter.builder("labfleet_topology_cache_invalidation_failures")
                .description("Cache invalidations Redis refused (those asked for by gns3.events are retried)")
                .register(registry);
        this.labs = labs;
        this.values = redis.value(String.class);
        this.keys = redis.key();
        this.mapper = mapper;
        this.config = config;
    }

    /** The project's nodes as GNS3 lists them ({@code GET .../projects/{id}/nodes}). */
    public Uni<JsonNode> nodes(UUID serverId, UUID projectId) {
        return read(projectId, "nodes", () -> labs.nodes(serverId, projectId));
    }

    /** The project's links as GNS3 lists them ({@code GET .../projects/{id}/links}). */
    public Uni<JsonNode> links(UUID serverId, UUID projectId) {
        return read(projectId, "links", () -> labs.links(serverId, projectId));
    }

    /**
     * Forgets the project's cached lists after this service's own write; never fails the write (a Redis outage is
     * logged). A refused invalidation is not lost: the write makes GNS3 notify the change on {@code gns3.events},
     * whose consumer retries its invalidation until Redis takes it ({@link #invalidateOrFail}), and every entry
     * expires after {@code topology-ttl} in any case.
     */
    public Uni<Void> invalidate(UUID projectId) {
        return invalidateOrFail(projectId)
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf("topology cache: could not invalidate project %s (%s); gns3.events will", projectId,
                            e.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Forgets the project's cached lists, failing when Redis refuses: for callers that retry (the
     * {@code gns3.events} consumer), since a list cached before the change would otherwise be served again once
     * Redis is back, until its TTL ends.
     */
    public Uni<Void> invalidateOrFail(UUID projectId) {
        String key = generationKey(projectId);
        return values.incr(key)
                .chain(generation -> keys.expire(key, GENERATION_TTL))
                .replaceWithVoid()
                .onFailure().invoke(e -> invalidationFailures.increment());
    }

    private Uni<JsonNode> read(UUID projectId, String what, Supplier<Uni<JsonNode>> load) {
        return values.get(generationKey(projectId))
                .map(generation -> generation == null ? "0" : generation)
                .onFailure().recoverWithNull()
                .chain(generation -> {
                    if (generation == null) {
                        return load.get(); // Redis unreachable: straight to the gateway
                    }
                    String key = config.cache().keyPrefix() + "project:" + projectId + ":" + generation + ":" + what;
                    return values.get(key).onFailure().recoverWithNull().chain(hit -> {
                        JsonNode cached = parse(hit);
                        if (cached != null) {
                            return Uni.createFrom().item(cached);
                        }
                        return load.get().call(fresh -> store(key, fresh));
                    });
                });
    }

    private Uni<Void> store(String key, JsonNode value) {
        return values.setex(key, Math.max(1, config.cache().topologyTtl().toSeconds()), value.toString())
                .onFailure().recoverWithUni(e -> {
                    LOG.debugf("topology cache: could not store %s (%s)", key, e.toString());
                    return Uni.createFrom().voidItem();
                });
    }

    private JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return mapper.readTree(text);
        } catch (IOException e) {
            return null; // a damaged entry is a miss
        }
    }

    private String generationKey(UUID projectId) {
        return config.cache().keyPrefix() + "project:" + projectId + ":generation";
    }
}
