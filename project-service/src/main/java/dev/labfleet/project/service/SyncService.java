package dev.labfleet.project.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.page.FleetList;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.UpstreamProblems;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.repository.ProjectRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Reconciles Labfleet's labs with what the registered GNS3 servers really hold. */
@ApplicationScoped
public class SyncService {

    private final GatewayClient gateway;
    private final ProjectRepository repository;
    private final ProjectEvents events;

    public SyncService(GatewayClient gateway, ProjectRepository repository, ProjectEvents events) {
        this.gateway = gateway;
        this.repository = repository;
        this.events = events;
    }

    /**
     * Syncs one server, or every registered server when {@code serverId} is null. The servers are asked first, with
     * no database session held; the reconciliation is one short transaction afterwards.
     */
    public Uni<SyncResult> sync(UUID serverId) {
        Uni<List<UUID>> servers = serverId != null ? Uni.createFrom().item(List.of(serverId))
                : gateway.servers().map(SyncService::serverIds);
        return servers.chain(ids -> Multi.createFrom().iterable(ids)
                .onItem().transformToUniAndConcatenate(id -> gateway.listProjects(id)
                        .map(projects -> new ServerState(id, projects, null))
                        .onFailure().recoverWithItem(e -> new ServerState(id, null, e instanceof ProblemException p
                                ? p.problem().detail() : UpstreamProblems.describe(e))))
                .collect().asList())
                .chain(states -> Panache.withTransaction(() -> reconcile(states)));
    }

    private record ServerState(UUID serverId, JsonNode projects, String failure) {
    }

    private Uni<SyncResult> reconcile(List<ServerState> states) {
        List<ProjectState> adopted = new ArrayList<>();
        List<UUID> missing = new ArrayList<>();
        List<UUID> unreachable = new ArrayList<>();
        List<FleetList.LeftOut> leftOut = new ArrayList<>();
        int[] unchanged = {0};
        return Multi.createFrom().iterable(states).onItem().transformToUniAndConcatenate(state -> {
            if (state.projects() == null) {
                unreachable.add(state.serverId());
                leftOut.add(new FleetList.LeftOut(state.serverId(), state.failure()));
                return Uni.createFrom().voidItem();
            }
            Map<UUID, JsonNode> onServer = new HashMap<>();
            for (JsonNode p : state.projects()) {
                onServer.put(UUID.fromString(p.path("project_id").asText()), p);
            }
            return repository.list("serverId", state.serverId()).chain(ours -> {
                Set<UUID> known = new HashSet<>();
                List<Uni<Void>> changes = new ArrayList<>();
                for (Project p : ours) {
                    known.add(p.id);
                    if (!onServer.containsKey(p.id) && p.status != ProjectStatus.MISSING) {
                        missing.add(p.id);
                        changes.add(markMissing(p));
                    } else {
                        unchanged[0]++;
                    }
                }
                for (Map.Entry<UUID, JsonNode> entry : onServer.entrySet()) {
                    if (!known.contains(entry.getKey())) {
                        changes.add(adopt(state.serverId(), entry.getKey(), entry.getValue(), adopted));
                    }
                }
                return Multi.createFrom().iterable(changes).onItem().transformToUniAndConcatenate(u -> u)
                        .collect().last().replaceWithVoid();
            });
        }).collect().last().map(ignored -> new SyncResult(adopted, missing, unreachable, unchanged[0], leftOut));
    }

    private Uni<Void> markMissing(Project p) {
        p.status = ProjectStatus.MISSING;
        p.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
        return events.publish(EventTypes.LAB_PROJECT_UPDATED, p);
    }

    private Uni<Void> adopt(UUID serverId, UUID id, JsonNode gns3, List<ProjectState> adopted) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Project p = new Project();
        p.id = id;
        p.name = gns3.path("name").asText(id.toString());
        p.owner = ProjectService.DEFAULT_OWNER;
        p.serverId = serverId;
        p.status = ProjectStatus.fromGns3(gns3.path("status").asText());
        p.tags = new String[] {"adopted"};
        p.autoStart = gns3.path("auto_start").asBoolean(false);
        p.autoClose = gns3.path("auto_close").asBoolean(true);
        p.createdAt = now;
        p.updatedAt = now;
        // A GNS3 name already used by another default-owner lab gets the id's prefix to stay unique here.
        return repository.findByOwnerAndName(p.owner, p.name).chain(clash -> {
            if (clash != null) {
                p.name = p.name + "-" + id.toString().substring(0, 8);
            }
            return repository.persist(p);
        }).chain(() -> events.publish(EventTypes.LAB_PROJECT_CREATED, p))
                .invoke(() -> adopted.add(ProjectState.of(p)));
    }

    static List<UUID> serverIds(List<ServerView> servers) {
        List<UUID> ids = new ArrayList<>();
        for (ServerView s : servers) {
            if (s.id() != null && s.enabled()) {
                ids.add(s.id());
            }
        }
        return ids;
    }
}
