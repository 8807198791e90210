package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.event.Topics;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.client.Gns3Metrics;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.config.GatewayConfig;
import dev.labfleet.gateway.domain.Gns3Server;
import dev.labfleet.gateway.domain.HealthCheck;
import dev.labfleet.gateway.domain.ServerStatus;
import dev.labfleet.gateway.repository.Gns3ServerRepository;
import dev.labfleet.gateway.repository.HealthCheckRepository;
import dev.labfleet.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The health monitor. Every enabled server is checked about every {@code interval} (plus jitter) by exactly one
 * replica: a replica claims the servers that are due with {@code FOR UPDATE SKIP LOCKED} and moves their next check
 * forward in the same statement. A check is {@code GET /v2/version} plus {@code GET /v2/computes} (for the live
 * load placement uses). Each check is kept as history; a status change is written together with a
 * {@code gns3.server.health-changed} event in the outbox.
 */
@ApplicationScoped
public class HealthService {

    private static final Logger LOG = Logger.getLogger(HealthService.class);
    private static final ObjectMapper MAPPER = CloudEventCodec.mapper();
    private static final URI SOURCE = URI.create("/labfleet/gns3-gateway-service");
    private static final String CLAIM = "update gns3_server set next_check_at = now() + make_interval(secs => $1 * (1 + random() * $2)) "
            + "where id in (select id from gns3_server where enabled and (next_check_at is null or next_check_at <= now()) "
            + "order by next_check_at nulls first limit 100 for update skip locked) returning id";

    private final Pool pool;
    private final Gns3ServerRepository servers;
    private final HealthCheckRepository checks;
    private final ServerDirectory directory;
    private final Gns3Client client;
    private final Gns3Metrics metrics;
    private final Outbox outbox;
    private final GatewayConfig config;

    public HealthService(Pool pool, Gns3ServerRepository servers, HealthCheckRepository checks,
                         ServerDirectory directory, Gns3Client client, Gns3Metrics metrics, Outbox outbox,
                         GatewayConfig config) {
        this.pool = pool;
        this.servers = servers;
        this.checks = checks;
        this.directory = directory;
        this.client = client;
        this.metrics = metrics;
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(every = "${labfleet.gateway.health.tick:1s}", delayed = "${labfleet.gateway.health.initial-delay:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!config.health().enabled()) {
            return Uni.createFrom().voidItem();
        }
        // one session is never used concurrently: load and record one after the other, probe GNS3 in parallel
        return claimDue()
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(List.<Gns3Server>of())
                        : Panache.withSession(() -> servers.list("id in ?1", ids)))
                .onItem().transformToMulti(list -> Multi.createFrom().iterable(list))
                .onItem().transformToUni(this::probe).merge(8)
                .onItem().transformToUniAndConcatenate(this::record)
                .collect().last().replaceWithVoid()
                .ifNoItem().after(Duration.ofMinutes(2)).recoverWithItem((Void) null)
                .onFailure().invoke(e -> LOG.debugf("health tick failed: %s", e.toString()))
                .onFailure().recoverWithNull();
    }

    @Scheduled(every = "10m", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> cleanup() {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(config.health().retention());
        return Panache.withTransaction(() -> checks.deleteBefore(before)).replaceWithVoid()
                .onFailure().recoverWithNull();
    }

    /** Checks one server now and records the result; answers its status after the check. */
    public Uni<ServerStatus> checkOne(UUID serverId) {
        return Panache.withSession(() -> servers.findById(serverId)).chain(server -> server == null
                ? Uni.createFrom().item(ServerStatus.UNKNOWN)
                : probe(server).chain(this::record));
    }

    /** What one check found; no database work, so checks run in parallel. */
    record Probe(UUID serverId, boolean ok, Duration latency, Double cpu, Double memory, String error) {
    }

    private Uni<Probe> probe(Gns3Server server) {
        UUID serverId = server.id;
        Gns3Endpoint endpoint;
        try {
            endpoint = directory.toEndpoint(server);
        } catch (ProblemException e) {
            return Uni.createFrom().item(new Probe(serverId, false, Duration.ZERO, null, null, e.problem().detail()));
        }
        long start = System.nanoTime();
        return client.send(endpoint, Gns3Request.get("/version", "health.version"))
                .chain(version -> client.send(endpoint, Gns3Request.get("/computes", "health.computes"))
                        .map(computes -> json(computes.body().getBytes())))
                .ifNoItem().after(config.health().timeout()).failWith(() -> ProblemException.timeout("health check timed out"))
                .map(computes -> {
                    Duration latency = Duration.ofNanos(System.nanoTime() - start);
                    Double cpu = null;
                    Double memory = null;
                    for (JsonNode c : computes) {
                        cpu = max(cpu, c.path("cpu_usage_percent"));
                        memory = max(memory, c.path("memory_usage_percent"));
                    }
                    return new Probe(serverId, true, latency, cpu, memory, null);
                })
                .onFailure().recoverWithItem(e -> new Probe(serverId, false, Duration.ofNanos(System.nanoTime() - start),
                        null, null, e instanceof ProblemException p ? p.problem().detail()
                                : dev.labfleet.common.problem.UpstreamProblems.describe(e)));
    }

    @WithSession
    public Uni<ServerHealth> view(UUID serverId) {
        return servers.findById(serverId).onItem().ifNull().failWith(() ->
                        ProblemException.notFound("no GNS3 server " + serverId + " is registered"))
                .chain(server -> checks.recent(serverId, 20).chain(recent -> checks.uptimePercent(serverId,
                        OffsetDateTime.now(ZoneOffset.UTC).minusHours(24)).map(uptime -> {
                    List<ServerHealth.Check> views = new ArrayList<>();
                    for (HealthCheck c : recent) {
                        views.add(new ServerHealth.Check(c.at, c.status.name(), c.latencyMs,
                                c.cpuPercent, c.memoryPercent, c.error));
                    }
                    return new ServerHealth(server.id, server.name, server.status.name(), server.latencyMs,
                            server.lastSeen, server.consecutiveFailures, uptime, client.breakerState(serverId).name(),
                            views);
                })));
    }

    private Uni<List<UUID>> claimDue() {
        GatewayConfig.Health health = config.health();
        double seconds = health.interval().toMillis() / 1000.0;
        return pool.preparedQuery(CLAIM).execute(Tuple.of(seconds, Math.max(0, health.jitter())))
                .map(rows -> {
                    List<UUID> ids = new ArrayList<>();
                    for (Row row : rows) {
                        ids.add(row.getUUID("id"));
                    }
                    return ids;
                });
    }

    private Uni<ServerStatus> record(Probe probe) {
        UUID serverId = probe.serverId();
        boolean ok = probe.ok();
        Duration latency = probe.latency();
        Double cpu = probe.cpu();
        Double memory = probe.memory();
        String error = probe.error();
        GatewayConfig.Health health = config.health();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> servers.findById(serverId).chain(server -> {
            if (server == null) {
                return Uni.createFrom().item(ServerStatus.UNKNOWN);
            }
            ServerStatus previous = server.status;
            ServerStatus next = HealthRules.next(ok, latency, server.consecutiveFailures, health.downAfter(),
                    health.degradedLatency());
            int failures = ok ? 0 : server.consecutiveFailures + 1;
            Long latencyMs = ok ? latency.toMillis() : server.latencyMs;
            HealthCheck check = new HealthCheck();
            check.serverId = serverId;
            check.at = now;
            check.status = next;
            check.ok = ok;
            check.latencyMs = ok ? latency.toMillis() : null;
            check.cpuPercent = cpu;
            check.memoryPercent = memory;
            check.error = error == null ? null : error.length() > 500 ? error.substring(0, 500) : error;
            server.status = next;
            server.consecutiveFailures = failures;
            server.latencyMs = latencyMs;
            if (ok) {
                server.lastSeen = now;
            }
            if (cpu != null) {
                server.cpuPercent = cpu;
            }
            if (memory != null) {
                server.memoryPercent = memory;
            }
            Uni<Void> event = next == previous ? Uni.createFrom().voidItem()
                    : outbox.append(Topics.GNS3_EVENTS, serverId.toString(),
                    healthChanged(server, previous, next, check));
            return checks.persist(check).chain(() -> event).invoke(() -> {
                metrics.serverUp(server.name, next == ServerStatus.UP || next == ServerStatus.DEGRADED);
                if (next != previous) {
                    LOG.infof("GNS3 server %s: %s -> %s%s", server.name, previous, next,
                            error == null ? "" : " (" + error + ")");
                }
            }).replaceWith(next);
        }));
    }

    private static CloudEvent healthChanged(Gns3Server server, ServerStatus previous, ServerStatus next,
                                            HealthCheck check) {
        ObjectNode data = MAPPER.createObjectNode();
        data.put("serverId", server.id.toString());
        data.put("name", server.name);
        data.put("url", server.url);
        data.put("previousStatus", previous.name());
        data.put("status", next.name());
        if (check.latencyMs != null) {
            data.put("latencyMs", check.latencyMs);
        }
        if (check.error != null) {
            data.put("error", check.error);
        }
        data.put("at", check.at.toString());
        return CloudEvent.of(SOURCE, EventTypes.GNS3_SERVER_HEALTH_CHANGED, server.id.toString(), data);
    }

    private static Double max(Double current, JsonNode value) {
        if (!value.isNumber()) {
            return current;
        }
        return current == null ? value.asDouble() : Math.max(current, value.asDouble());
    }

    private static JsonNode json(byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            return MAPPER.createArrayNode();
        }
    }
}
