package dev.labfleet.project.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.project.client.GatewayClient;
import dev.labfleet.project.client.GatewayStreams;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.repository.ProjectRepository;
import dev.labfleet.project.rest.CreateProjectRequest;
import dev.labfleet.project.rest.ProjectView;
import dev.labfleet.project.rest.UpdateProjectRequest;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Lab lifecycle. GNS3 is changed first (through the gateway); only when it succeeded is the lab written here, in
 * one transaction with its {@code lab.project.*} event, so a failure leaves nothing half-written.
 */
@ApplicationScoped
public class ProjectService {

    private static final Logger LOG = Logger.getLogger(ProjectService.class);
    static final String DEFAULT_OWNER = "default";

    private final ProjectRepository repository;
    private final GatewayClient gateway;
    private final GatewayStreams streams;
    private final ProjectEvents events;

    public ProjectService(ProjectRepository repository, GatewayClient gateway, GatewayStreams streams,
                          ProjectEvents events) {
        this.repository = repository;
        this.gateway = gateway;
        this.streams = streams;
        this.events = events;
    }

    /** An open export: the archive's file name and the gateway's response to pipe. */
    public record ExportStream(String fileName, HttpClientResponse response) {
    }

    @WithSession
    public Uni<ExportStream> export(UUID projectId, boolean includeSnapshots, boolean resetMacAddresses) {
        return find(projectId).chain(p -> streams.export(p.serverId, p.id, includeSnapshots, resetMacAddresses)
                .map(response -> new ExportStream(p.name.replaceAll("[^A-Za-z0-9._-]", "_") + ".gns3project", response)));
    }

    /** Imports a .gns3project archive as a new lab, placed like a create (GNS3 leaves it closed). */
    @WithSession
    public Uni<ProjectView> importArchive(String name, UUID serverId, String owner, Buffer archive) {
        String who = owner == null || owner.isBlank() ? DEFAULT_OWNER : owner;
        UUID id = UUID.randomUUID();
        CreateProjectRequest request = new CreateProjectRequest(id, name, who, serverId, null, null, null, null, null);
        return repository.findByOwnerAndName(who, name).chain(taken -> taken != null
                ? Uni.createFrom().failure(new ProblemException(ProblemException.conflict(
                        "a lab named '" + name + "' already exists").problem().with("projectId", taken.id)))
                : chooseServer(request).chain(server -> streams.importArchive(server, id, name, archive)
                        .chain(gns3 -> persistNew(id, who, server, request, gns3)
                                .onFailure().call(e -> compensate(server, id, e)))));
    }

    @WithSession
    public Uni<CursorPage<ProjectView>> list(UUID serverId, ProjectStatus status, String tag, String name, String cursor,
                                             Integer limit) {
        int size = Cursor.limit(limit);
        return repository.page(new ProjectRepository.Filter(serverId, status, tag, name), cursor, size)
                .map(rows -> CursorPage.of(rows, size, ProjectRepository::cursorKey).map(ProjectView::of));
    }

    /**
     * One lab with live node and link counts; when its server can't tell, the counts are simply absent. A closed
     * project's counts are absent too: GNS3 2.2 answers 0 nodes and 0 links for it, whatever it holds.
     *
     * @param counts false to leave the counts out (no GNS3 call): for callers that only need where the lab lives
     */
    @WithSession
    public Uni<ProjectView> get(UUID projectId, boolean counts) {
        return find(projectId).chain(p -> !counts || p.status == ProjectStatus.MISSING || p.status == ProjectStatus.CLOSED
                ? Uni.createFrom().item(ProjectView.of(p))
                : gateway.projectStats(p.serverId, p.id)
                        .map(stats -> ProjectView.of(p, intOrNull(stats, "nodes"), intOrNull(stats, "links")))
                        .onFailure().recoverWithItem(e -> ProjectView.of(p)));
    }

    /** Result of a create: the lab, and whether this call made it (false for an idempotent retry). */
    public record Created(ProjectView project, boolean created) {
    }

    @WithSession
    public Uni<Created> create(CreateProjectRequest request) {
        UUID id = request.projectId() != null ? request.projectId() : UUID.randomUUID();
        String owner = request.owner() == null || request.owner().isBlank() ? DEFAULT_OWNER : request.owner();
        return repository.findById(id).chain(existing -> {
            if (existing != null) {
                if (existing.name.equals(request.name()) && existing.owner.equals(owner)) {
                    return Uni.createFrom().item(new Created(ProjectView.of(existing), false));
                }
                return Uni.createFrom().failure(new ProblemException(ProblemException.conflict(
                        "project id " + id + " is already used by another lab").problem().with("projectId", id)));
            }
            return repository.findByOwnerAndName(owner, request.name()).chain(sameName -> sameName != null
                    ? Uni.createFrom().failure(new ProblemException(ProblemException.conflict(
                            "a lab named '" + request.name() + "' already exists").problem()
                            .with("projectId", sameName.id)))
                    : chooseServer(request).chain(serverId -> createOnGns3(id, serverId, request)
                            .chain(gns3 -> persistNew(id, owner, serverId, request, gns3)
                                    .onFailure().call(e -> compensate(serverId, id, e))
                                    .onFailure(ProjectService::isUniqueViolation).transform(e ->
                                            ProblemException.conflict("a lab with this id or name was created "
                                                    + "concurrently; retry to get it")))))
                    .map(view -> new Created(view, true));
        });
    }

    private Uni<UUID> chooseServer(CreateProjectRequest request) {
        if (request.serverId() != null) {
            return Uni.createFrom().item(request.serverId());
        }
        ObjectNode needs = CloudEventCodec.mapper().createObjectNode();
        needs.put("nodeCount", 0);
        if (request.labels() != null) {
            needs.putPOJO("requiredLabels", request.labels());
        }
        return gateway.place(needs).map(answer -> {
            JsonNode serverId = answer.path("serverId");
            if (!serverId.isTextual()) {
                throw ProblemException.unavailable("no GNS3 server can take this lab", 30);
            }
            return UUID.fromString(serverId.asText());
        });
    }

    /** Creates the GNS3 project with our id; GNS3 names are unique per server, so a taken name gets our id's prefix. */
    private Uni<JsonNode> createOnGns3(UUID id, UUID serverId, CreateProjectRequest request) {
        return gateway.createProject(serverId, gns3Body(id, request.name(), request))
                .onFailure(ProblemException.class).recoverWithUni(e -> {
                    ProblemException problem = (ProblemException) e;
                    if (problem.problem().status() != 409) {
                        return Uni.createFrom().failure(e);
                    }
                    // Either our own earlier attempt (same id: adopt it) or another lab with this name on the server.
                    return gateway.getProject(serverId, id)
                            .onFailure().recoverWithUni(notOurs -> gateway.createProject(serverId,
                                    gns3Body(id, request.name() + "-" + id.toString().substring(0, 8), request)));
                });
    }

    private static ObjectNode gns3Body(UUID id, String name, CreateProjectRequest request) {
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        body.put("project_id", id.toString());
        body.put("name", name);
        body.put("auto_close", request.autoClose() == null || request.autoClose());
        body.put("auto_start", Boolean.TRUE.equals(request.autoStart()));
        return body;
    }

    /** The lab exists on GNS3 but could not be recorded here (e.g. a concurrent create won): undo it on GNS3. */
    private Uni<Void> compensate(UUID serverId, UUID id, Throwable cause) {
        LOG.warnf("project %s created on GNS3 but not recorded (%s); deleting it there", id, cause.toString());
        return gateway.deleteProject(serverId, id).onFailure().recoverWithNull();
    }

    private Uni<ProjectView> persistNew(UUID id, String owner, UUID serverId, CreateProjectRequest request,
                                        JsonNode gns3) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Project p = new Project();
        p.id = id;
        p.name = request.name();
        p.owner = owner;
        p.serverId = serverId;
        p.status = ProjectStatus.fromGns3(gns3.path("status").asText("opened"));
        p.description = request.description();
        p.tags = request.tags() == null ? new String[0] : request.tags().toArray(String[]::new);
        p.autoStart = Boolean.TRUE.equals(request.autoStart());
        p.autoClose = request.autoClose() == null || request.autoClose();
        p.createdAt = now;
        p.updatedAt = now;
        return Panache.withTransaction(() -> repository.persist(p).chain(() -> events.publish(
                        EventTypes.LAB_PROJECT_CREATED, p)))
                .map(ignored -> ProjectView.of(p));
    }

    @WithSession
    public Uni<ProjectView> update(UUID projectId, UpdateProjectRequest request) {
        return find(projectId).chain(p -> {
            boolean rename = request.name() != null && !request.name().equals(p.name);
            Uni<Void> nameFree = rename ? repository.findByOwnerAndName(p.owner, request.name()).chain(other ->
                    other != null ? Uni.createFrom().failure(ProblemException.conflict(
                            "a lab named '" + request.name() + "' already exists"))
                            : Uni.createFrom().voidItem()) : Uni.createFrom().voidItem();
            Uni<Void> onGns3 = rename || request.autoClose() != null
                    ? gateway.updateProject(p.serverId, p.id, gns3Update(request)).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            return nameFree.chain(() -> onGns3).chain(() -> Panache.withTransaction(() -> {
                if (request.name() != null) {
                    p.name = request.name();
                }
                if (request.description() != null) {
                    p.description = request.description();
                }
                if (request.tags() != null) {
                    p.tags = request.tags().toArray(String[]::new);
                }
                if (request.autoStart() != null) {
                    p.autoStart = request.autoStart();
                }
                if (request.autoClose() != null) {
                    p.autoClose = request.autoClose();
                }
                p.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                return repository.persist(p).chain(() -> events.publish(EventTypes.LAB_PROJECT_UPDATED, p));
            })).map(ignored -> ProjectView.of(p));
        });
    }

    private static ObjectNode gns3Update(UpdateProjectRequest request) {
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        if (request.name() != null) {
            body.put("name", request.name());
        }
        if (request.autoClose() != null) {
            body.put("auto_close", request.autoClose());
        }
        return body;
    }

    /** Deletes the lab on GNS3 (already gone there is fine) and here. */
    @WithSession
    public Uni<Void> delete(UUID projectId) {
        return find(projectId).chain(p -> gateway.deleteProject(p.serverId, p.id)
                .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404)
                .recoverWithNull()
                // by id, not by version: GNS3's own events about the deletion may have touched the row meanwhile
                .chain(() -> Panache.withTransaction(() -> events.publish(EventTypes.LAB_PROJECT_DELETED, p)
                        .chain(() -> repository.delete("id", p.id)))).replaceWithVoid());
    }

    /** Copies a lab on its server; the copy is a new lab of the same owner (GNS3 leaves it closed). */
    @WithSession
    public Uni<ProjectView> duplicate(UUID projectId, String name, boolean resetMacAddresses) {
        return find(projectId).chain(source -> repository.findByOwnerAndName(source.owner, name).chain(taken -> {
            if (taken != null) {
                return Uni.createFrom().failure(new ProblemException(ProblemException.conflict(
                        "a lab named '" + name + "' already exists").problem().with("projectId", taken.id)));
            }
            ObjectNode body = CloudEventCodec.mapper().createObjectNode().put("name", name)
                    .put("reset_mac_addresses", resetMacAddresses);
            return gateway.duplicateProject(source.serverId, source.id, body).chain(gns3 -> {
                UUID copyId = UUID.fromString(gns3.path("project_id").asText());
                CreateProjectRequest copy = new CreateProjectRequest(copyId, name, source.owner, source.serverId,
                        source.description, source.tags == null ? null : java.util.List.of(source.tags),
                        source.autoStart, source.autoClose, null);
                return persistNew(copyId, source.owner, source.serverId, copy, gns3)
                        .onFailure().call(e -> compensate(source.serverId, copyId, e));
            });
        }));
    }

    @WithSession
    public Uni<ProjectView> open(UUID projectId) {
        return find(projectId).chain(p -> gateway.openProject(p.serverId, p.id)
                .chain(() -> transition(p, ProjectStatus.OPENED, EventTypes.LAB_PROJECT_OPENED)));
    }

    @WithSession
    public Uni<ProjectView> close(UUID projectId) {
        return find(projectId).chain(p -> gateway.closeProject(p.serverId, p.id)
                .chain(() -> transition(p, ProjectStatus.CLOSED, EventTypes.LAB_PROJECT_CLOSED)));
    }

    private Uni<ProjectView> transition(Project p, ProjectStatus status, String eventType) {
        return Panache.withTransaction(() -> {
            p.status = status;
            p.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
            return repository.persist(p).chain(() -> events.publish(eventType, p));
        }).map(ignored -> ProjectView.of(p));
    }

    Uni<Project> find(UUID projectId) {
        return repository.findById(projectId)
                .onItem().ifNull().failWith(() -> new ProblemException(ProblemException.notFound(
                        "project " + projectId + " does not exist").problem().with("projectId", projectId)));
    }

    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private static Integer intOrNull(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.canConvertToInt() ? value.asInt() : null;
    }
}
