package dev.labfleet.monitoring.traffic;

import dev.labfleet.support.security.ServiceAuth;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.monitoring.client.GatewayClient;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.CaptureLease;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.model.LabState;
import dev.labfleet.monitoring.model.LinkState;
import dev.labfleet.monitoring.service.Leadership;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Captures the links of monitored labs and reads their pcap streams through the gateway, within a budget of
 * concurrent captures per GNS3 server. The active lab's links come first (it gets the whole budget if it needs it);
 * the other monitored links share what is left in rotation, and their labs' figures say {@code sampled}. A capture a
 * user started is read but never stopped; a capture this service started is recorded (a lease row) before it is
 * started, and stopped when its lab is no longer monitored, when the service stops, or, after a replica crashed, by
 * the next leader once the lease expired.
 */
@ApplicationScoped
public class CaptureManager {

    private static final Logger LOG = Logger.getLogger(CaptureManager.class);

    /** A monitored lab and whether it is the active one. */
    public record Watched(UUID projectId, int priority, boolean active) {
    }

    final class Reader {
        final LinkState link;
        final UUID serverId;
        final boolean ours;
        volatile HttpClientRequest request;
        volatile boolean ended;

        Reader(LinkState link, UUID serverId, boolean ours) {
            this.link = link;
            this.serverId = serverId;
            this.ours = ours;
        }
    }

    private final GatewayClient gateway;
    private final FleetModel model;
    private final Leadership leadership;
    private final MonitoringConfig config;
    private final HttpClient http;
    private final URI gatewayUrl;
    private final ServiceAuth auth;
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();
    private final Map<String, LinkTraffic> traffic = new ConcurrentHashMap<>();
    private final Set<String> sampledLabs = ConcurrentHashMap.newKeySet();
    private long rotation;

    public CaptureManager(GatewayClient gateway, FleetModel model, Leadership leadership, MonitoringConfig config,
                          Vertx vertx, @ConfigProperty(name = "quarkus.rest-client.gateway.url") String gatewayUrl,
                          ServiceAuth auth) {
        this.auth = auth;
        this.gateway = gateway;
        this.model = model;
        this.leadership = leadership;
        this.config = config;
        this.http = vertx.createHttpClient();
        this.gatewayUrl = URI.create(gatewayUrl);
    }

    /** The traffic counters of a link (kept across rotations so rates fade rather than vanish). */
    public LinkTraffic traffic(String linkId) {
        return traffic.get(linkId);
    }

    public boolean reading(String linkId) {
        Reader r = readers.get(linkId);
        return r != null && !r.ended;
    }

    public boolean sampled(String projectId) {
        return sampledLabs.contains(projectId);
    }

    public int readerCount() {
        return readers.size();
    }

    /** One planning round: which links to read now; start, stop, renew, clean up. Leader only. */
    public Uni<Void> plan(List<Watched> watched) {
        Map<String, Reader> desired = desired(watched);
        List<Uni<Void>> work = new ArrayList<>();
        for (Reader r : List.copyOf(readers.values())) {
            if (!desired.containsKey(r.link.linkId()) || r.ended) {
                work.add(stopReading(r, !desired.containsKey(r.link.linkId())));
            }
        }
        for (var e : desired.entrySet()) {
            if (!readers.containsKey(e.getKey())) {
                work.add(startReading(e.getValue()));
            }
        }
        traffic.keySet().removeIf(id -> !desired.containsKey(id) && !inWatchedLab(id, watched));
        Uni<Void> changes = work.isEmpty() ? Uni.createFrom().voidItem()
                : Multi.createFrom().iterable(work).onItem().transformToUni(u -> u).merge(8).collect().asList()
                .replaceWithVoid();
        return changes.chain(this::renewAndCleanUp);
    }

    private boolean inWatchedLab(String linkId, List<Watched> watched) {
        for (Watched w : watched) {
            if (model.link(w.projectId().toString(), linkId) != null) {
                return true;
            }
        }
        return false;
    }

    private Map<String, Reader> desired(List<Watched> watched) {
        Map<UUID, List<LinkState>> active = new HashMap<>();
        Map<UUID, List<LinkState>> others = new HashMap<>();
        Map<String, Integer> labLinks = new HashMap<>();
        List<Watched> ordered = new ArrayList<>(watched);
        ordered.sort(Comparator.comparing((Watched w) -> !w.active()).thenComparing(w -> -w.priority())
                .thenComparing(w -> w.projectId().toString()));
        for (Watched w : ordered) {
            LabState lab = model.lab(w.projectId().toString());
            if (lab == null || lab.serverId() == null || !"opened".equals(lab.status())) {
                continue;
            }
            UUID server = UUID.fromString(lab.serverId());
            List<LinkState> links = model.links(lab.projectId()).stream()
                    .filter(l -> !l.suspended()).sorted(Comparator.comparing(LinkState::linkId)).toList();
            labLinks.put(lab.projectId(), links.size());
            (w.active() ? active : others).computeIfAbsent(server, k -> new ArrayList<>()).addAll(links);
        }
        int budget = config.capture().budgetPerServer();
        long turn = System.currentTimeMillis() / config.capture().rotation().toMillis();
        Map<String, Reader> out = new HashMap<>();
        Set<UUID> servers = new LinkedHashSet<>(active.keySet());
        servers.addAll(others.keySet());
        Map<String, Integer> chosenPerLab = new HashMap<>();
        for (UUID server : servers) {
            List<LinkState> first = active.getOrDefault(server, List.of());
            List<LinkState> rest = others.getOrDefault(server, List.of());
            List<LinkState> chosen = new ArrayList<>(first.subList(0, Math.min(budget, first.size())));
            int left = budget - chosen.size();
            if (left >= rest.size()) {
                chosen.addAll(rest);
            } else if (left > 0) {
                int start = (int) ((turn * left) % rest.size());
                for (int i = 0; i < left; i++) {
                    chosen.add(rest.get((start + i) % rest.size()));
                }
            }
            for (LinkState l : chosen) {
                Reader existing = readers.get(l.linkId());
                out.put(l.linkId(), existing != null ? existing : new Reader(l, server, false));
                chosenPerLab.merge(l.projectId(), 1, Integer::sum);
            }
        }
        Set<String> sampled = new HashSet<>();
        labLinks.forEach((lab, n) -> {
            if (chosenPerLab.getOrDefault(lab, 0) < n) {
                sampled.add(lab);
            }
        });
        sampledLabs.retainAll(sampled);
        sampledLabs.addAll(sampled);
        rotation = turn;
        return out;
    }

    private Uni<Void> startReading(Reader planned) {
        LinkState link = planned.link;
        UUID projectId = UUID.fromString(link.projectId());
        UUID linkId = UUID.fromString(link.linkId());
        return Panache.withSession(() -> CaptureLease.<CaptureLease>findById(linkId))
                .chain(lease -> {
                    if (lease != null) {
                        // ours (this replica's, or adopted from a crashed one): it may still be running
                        return adopt(lease).chain(() -> ensureCapturing(planned, true));
                    }
                    if (link.capturing()) {
                        return open(new Reader(link, planned.serverId, false)); // a user's capture: read only
                    }
                    // recorded before it is started: a crash between the two leaves a lease to clean up
                    return record(planned)
                            .chain(() -> gateway.startCapture(planned.serverId, projectId, linkId).map(x -> true)
                                    .onFailure(CaptureManager::conflict)
                                    .recoverWithUni(e -> forget(linkId).replaceWith(false))) // a user was first
                            .chain(ours -> open(new Reader(link, planned.serverId, ours)))
                            // refused (4xx): nothing runs; a timeout keeps the lease, the next round checks GNS3
                            .onFailure(CaptureManager::refused).call(e -> forget(linkId));
                })
                .onFailure().invoke(e -> LOG.debugf("capture of link %s not started: %s", linkId, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private static boolean conflict(Throwable e) {
        return e instanceof ProblemException p && p.problem().status() == 409;
    }

    private static boolean refused(Throwable e) {
        return e instanceof ProblemException p && p.problem().status() < 500;
    }

    /** Our lease exists: capture running on GNS3? If not (stopped by someone), start it again. */
    private Uni<Void> ensureCapturing(Reader planned, boolean ours) {
        UUID projectId = UUID.fromString(planned.link.projectId());
        UUID linkId = UUID.fromString(planned.link.linkId());
        return gateway.getLink(planned.serverId, projectId, linkId)
                .chain(l -> l.path("capturing").asBoolean() ? Uni.createFrom().voidItem()
                        : gateway.startCapture(planned.serverId, projectId, linkId).replaceWithVoid())
                .chain(() -> open(new Reader(planned.link, planned.serverId, ours)));
    }

    private Uni<Void> open(Reader r) {
        readers.put(r.link.linkId(), r);
        LinkTraffic counters = traffic.computeIfAbsent(r.link.linkId(), k -> new LinkTraffic());
        PcapStreamParser parser = new PcapStreamParser((micros, wire, data, off, len) ->
                counters.count(System.currentTimeMillis(), Frame.decode(data, off, len), wire));
        String path = gatewayUrl.getPath().replaceAll("/$", "") + "/api/v1/servers/" + r.serverId + "/projects/"
                + r.link.projectId() + "/links/" + r.link.linkId() + "/pcap";
        int port = gatewayUrl.getPort() > 0 ? gatewayUrl.getPort() : 80;
        // the leader reads captures on its own: as the service account
        return auth.sign(new io.vertx.core.http.RequestOptions().setMethod(HttpMethod.GET).setPort(port)
                .setHost(gatewayUrl.getHost()).setURI(path)).invoke(options -> http.request(options)
                .onSuccess(req -> {
                    r.request = req;
                    if (r.ended) {
                        req.reset();
                        return;
                    }
                    req.send().onSuccess(resp -> {
                        if (resp.statusCode() != 200) {
                            LOG.debugf("pcap of link %s: gateway answered %d", r.link.linkId(), resp.statusCode());
                            r.ended = true;
                            resp.body();
                            return;
                        }
                        resp.handler(buffer -> {
                            try {
                                parser.feed(buffer.getBytes());
                            } catch (PcapStreamParser.PcapFormatException e) {
                                LOG.warnf("pcap of link %s unreadable: %s", r.link.linkId(), e.getMessage());
                                r.ended = true;
                                req.reset();
                            }
                        });
                        resp.endHandler(v -> r.ended = true);
                        resp.exceptionHandler(e -> r.ended = true);
                    }).onFailure(e -> r.ended = true);
                })
                .onFailure(e -> r.ended = true))
                .onFailure().invoke(e -> r.ended = true).onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> stopReading(Reader r, boolean stopCapture) {
        readers.remove(r.link.linkId(), r);
        r.ended = true;
        HttpClientRequest req = r.request;
        if (req != null) {
            req.reset();
        }
        if (!r.ours || !stopCapture) {
            return Uni.createFrom().voidItem();
        }
        return stopOurs(r.serverId, UUID.fromString(r.link.projectId()), UUID.fromString(r.link.linkId()));
    }

    private Uni<Void> stopOurs(UUID serverId, UUID projectId, UUID linkId) {
        return gateway.stopCapture(serverId, projectId, linkId).replaceWithVoid()
                .onFailure(e -> e instanceof ProblemException p && p.problem().status() < 500).recoverWithNull()
                .chain(() -> forget(linkId))
                .onFailure().invoke(e -> LOG.debugf("capture of link %s not stopped yet: %s", linkId, e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private Uni<Void> record(Reader r) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> {
            CaptureLease lease = new CaptureLease();
            lease.linkId = UUID.fromString(r.link.linkId());
            lease.projectId = UUID.fromString(r.link.projectId());
            lease.serverId = r.serverId;
            lease.owner = leadership.me();
            lease.startedAt = now;
            lease.expiresAt = now.plus(config.capture().lease());
            return lease.persist();
        }).replaceWithVoid();
    }

    private Uni<Void> adopt(CaptureLease lease) {
        return Panache.withTransaction(() -> CaptureLease.update("owner = ?1, expiresAt = ?2 where linkId = ?3",
                leadership.me(), OffsetDateTime.now(ZoneOffset.UTC).plus(config.capture().lease()), lease.linkId))
                .replaceWithVoid();
    }

    private Uni<Void> forget(UUID linkId) {
        return Panache.withTransaction(() -> CaptureLease.deleteById(linkId)).replaceWithVoid();
    }

    /** Renews this replica's leases; stops the captures of expired leases nobody reads (a crashed replica's). */
    private Uni<Void> renewAndCleanUp() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withTransaction(() -> CaptureLease.update("expiresAt = ?1 where owner = ?2",
                        now.plus(config.capture().lease()), leadership.me()))
                .chain(() -> Panache.withSession(() -> CaptureLease.<CaptureLease>list(
                        "owner <> ?1 and expiresAt < ?2", leadership.me(), now)))
                .chain(orphans -> Multi.createFrom().iterable(orphans)
                        .filter(o -> !readers.containsKey(o.linkId.toString()))
                        .onItem().transformToUni(o -> {
                            LOG.infof("stopping capture of link %s left by replica %s", o.linkId, o.owner);
                            return stopOurs(o.serverId, o.projectId, o.linkId);
                        }).merge(4).collect().asList())
                .replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("capture leases: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    /** Stops reading everything; with {@code stopOurs}, stops the captures this service started (shutdown). */
    public Uni<Void> stopAll(boolean stopOurs) {
        // One stop at a time: each writes through Panache on the caller's context, and stops joined at once there
        // shared its one reactive session, which Hibernate Reactive does not allow (the join then never completed:
        // CaptureCleanupTest hung CI for ten minutes). At shutdown there are a few captures, each stop a gateway call
        // and a delete. A failed stop does not keep the others from running.
        return Multi.createFrom().iterable(List.copyOf(readers.values()))
                .onItem().transformToUniAndConcatenate(r -> stopReading(r, stopOurs).onFailure().recoverWithNull())
                .collect().last().replaceWithVoid();
    }

    long rotation() {
        return rotation;
    }
}
