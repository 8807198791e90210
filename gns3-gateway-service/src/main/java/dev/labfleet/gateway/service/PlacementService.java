package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.config.GatewayConfig;
import dev.labfleet.gateway.domain.Gns3Server;
import dev.labfleet.gateway.repository.Gns3ServerRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Places labs: gathers every registered server with its live load (GNS3's compute cpu/memory and running nodes,
 * fetched now with a short timeout, else the health monitor's last figures) and lets {@link PlacementScorer} choose.
 * Round-robin turns come from a Redis counter so replicas take turns together.
 */
@ApplicationScoped
public class PlacementService {

    private static final Logger LOG = Logger.getLogger(PlacementService.class);
    private static final Duration LIVE_LOAD_TIMEOUT = Duration.ofSeconds(2);

    private final Gns3ServerRepository servers;
    private final ServerDirectory directory;
    private final Gns3Client client;
    private final ReactiveRedisDataSource redis;
    private final GatewayConfig config;
    private final ObjectMapper mapper;
    private final AtomicLong localTicket = new AtomicLong();

    public PlacementService(Gns3ServerRepository servers, ServerDirectory directory, Gns3Client client,
                            ReactiveRedisDataSource redis, GatewayConfig config, ObjectMapper mapper) {
        this.servers = servers;
        this.directory = directory;
        this.client = client;
        this.redis = redis;
        this.config = config;
        this.mapper = mapper;
    }

    public Uni<Placement> place(PlacementNeeds request) {
        String strategy = request.strategy() == null ? config.placement().strategy() : request.strategy();
        if (PlacementScorer.PINNED.equals(strategy) && request.serverId() == null) {
            return Uni.createFrom().failure(ProblemException.invalid("serverId", "is required by the pinned strategy"));
        }
        return Panache.withSession(() -> servers.listAll())
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUni(this::candidate).merge(8)
                        .collect().asList())
                .chain(candidates -> ticket(strategy).map(ticket -> PlacementScorer.place(candidates, request,
                        strategy, ticket, config.placement().nodeWeight())))
                .map(outcome -> {
                    if (outcome.chosen().isEmpty()) {
                        Problem problem = Problem.of(ProblemTypes.UPSTREAM_UNAVAILABLE,
                                "no GNS3 server can take this lab: " + String.join("; ", outcome.placement().reasons()))
                                .with("rejected", outcome.placement().rejected());
                        throw new ProblemException(problem, 30, null);
                    }
                    return outcome.placement();
                });
    }

    private Uni<PlacementScorer.Candidate> candidate(Gns3Server s) {
        boolean open = client.breakerState(s.id) == CircuitBreakerState.OPEN;
        PlacementScorer.Candidate stored = new PlacementScorer.Candidate(s.id, s.name, s.enabled, s.status, open,
                s.labels, s.capacityWeight, s.cpuPercent, s.memoryPercent, null, s.draining);
        if (!s.enabled || s.draining || open || s.status == dev.labfleet.gateway.domain.ServerStatus.DOWN) {
            return Uni.createFrom().item(stored);
        }
        Gns3Endpoint endpoint;
        try {
            endpoint = directory.toEndpoint(s);
        } catch (ProblemException e) {
            return Uni.createFrom().item(stored);
        }
        return liveLoad(endpoint)
                .map(load -> new PlacementScorer.Candidate(s.id, s.name, s.enabled, s.status, false, s.labels,
                        s.capacityWeight, load.cpu() == null ? s.cpuPercent : load.cpu(),
                        load.memory() == null ? s.memoryPercent : load.memory(), load.running(), s.draining))
                .ifNoItem().after(LIVE_LOAD_TIMEOUT).recoverWithItem(stored)
                .onFailure().recoverWithItem(stored);
    }

    private record Load(Double cpu, Double memory, Integer running) {
    }

    /** Live cpu/memory from the computes and the started nodes of opened projects. */
    private Uni<Load> liveLoad(Gns3Endpoint endpoint) {
        Uni<JsonNode> computes = client.send(endpoint, Gns3Request.get("/computes", "placement.computes"))
                .map(r -> json(r.body().getBytes()));
        Uni<Integer> running = client.send(endpoint, Gns3Request.get("/projects", "placement.projects"))
                .map(r -> json(r.body().getBytes()))
                .chain(projects -> Multi.createFrom().iterable(projects)
                        .filter(p -> "opened".equals(p.path("status").asText()))
                        .onItem().transformToUni(p -> client.send(endpoint, Gns3Request.get("/projects/"
                                + p.path("project_id").asText() + "/nodes", "placement.nodes"))
                                .map(r -> count(json(r.body().getBytes()))))
                        .merge(4)
                        .collect().with(java.util.stream.Collectors.summingInt(Integer::intValue)));
        return Uni.combine().all().unis(computes, running).asTuple().map(t -> {
            Double cpu = null;
            Double memory = null;
            for (JsonNode c : t.getItem1()) {
                if (c.path("cpu_usage_percent").isNumber()) {
                    cpu = Math.max(cpu == null ? 0 : cpu, c.get("cpu_usage_percent").asDouble());
                }
                if (c.path("memory_usage_percent").isNumber()) {
                    memory = Math.max(memory == null ? 0 : memory, c.get("memory_usage_percent").asDouble());
                }
            }
            return new Load(cpu, memory, t.getItem2());
        });
    }

    private static int count(JsonNode nodes) {
        int n = 0;
        for (JsonNode node : nodes) {
            if ("started".equals(node.path("status").asText())) {
                n++;
            }
        }
        return n;
    }

    /** The next round-robin turn, shared by replicas through Redis (a local counter when Redis is away). */
    private Uni<Long> ticket(String strategy) {
        if (!PlacementScorer.ROUND_ROBIN.equals(strategy)) {
            return Uni.createFrom().item(0L);
        }
        return redis.value(Long.class).incr(config.placement().roundRobinKey())
                .ifNoItem().after(Duration.ofSeconds(1)).fail()
                .onFailure().recoverWithItem(e -> {
                    LOG.debugf("placement: Redis counter unavailable (%s), using this replica's", e.toString());
                    return localTicket.incrementAndGet();
                });
    }

    private JsonNode json(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (java.io.IOException e) {
            return mapper.createArrayNode();
        }
    }
}
