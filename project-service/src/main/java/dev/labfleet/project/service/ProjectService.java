package dev.labfleet.project.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.page.Cursor;
import dev.labfleet.common.page.CursorPage;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.gatewayclient.ArchiveUpload;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import dev.labfleet.project.quota.QuotaService;
import dev.labfleet.project.messaging.ProjectEvents;
import dev.labfleet.project.repository.ProjectRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import dev.labfleet.support.security.AuthProblems;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.http.HttpClientResponse;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
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
    private final ProjectEvents events;
    private final QuotaService quotas;

    public ProjectService(ProjectRepository repository, GatewayClient gateway, ProjectEvents events,
                          QuotaService quotas) {
        this.quotas = quotas;
        this.repository = repository;
        this.gateway = gateway;
        this.events = events;
    }

    /** An open export: the archive's file name and the gateway's response to pipe. */
    public record ExportStream(String fileName, HttpClientResponse response) {
    }

    /*
     * No database session is held across a gateway call: a GNS3 call can take minutes, and a pooled connection held
     * for that long starves this replica's reads, consumers and outbox. Each method reads in a session of its own
     * (closed when the read is done), calls the gateway, then writes by id in a short transaction of its own, on a
     * fresh read of the row (so GNS3's own notifications, written meanwhile by the gns3.events consumer, are no
     * optimistic-lock clash).
     */

    public Uni<ExportStream> export(UUID projectId, boolean includeSnapshots, boolean resetMacAddresses) {
        return find(projectId).chain(p -> gateway.export(p.serverId, p.id, includeSnapshots, resetMacAddresses)
                .map(response -> new ExportStream(p.name.replaceAll("[^A-Za-z0-9._-]", "_") + ".gns3project", response)));
    }

    /** Where an import goes and whose lab it makes: checked before a byte of the archive is read. */
    record ImportTarget(String owner, UUID serverId) {
    }

    /**
     * The lab owner an import records and the server it goes to (placed like a create unless {@code serverId}):
     * 409 when the owner already has a lab of that name, 503 when no server can take it.
     */
    Uni<ImportTarget> importTarget(String name, UUID serverId, String owner) {
        String who = ownerFor(owner);
        NewProject request = new NewProject(null, name, who, serverId, null, null, null, null, null);
        return Panache.withSession(() -> repository.findByOwnerAndName(who, name)).chain(taken -> taken != null
                ? Uni.createFrom().failure(nameTaken(name, taken.id))
                : quotas.check(QuotaService.demands(who, null, 1, 0, 0))
                .chain(() -> chooseServer(request)).map(server -> new ImportTarget(who, server)));
    }

    /** Streams the archive to GNS3 as project {@code projectId}; answers GNS3's project. */
    Uni<JsonNode> importToGns3(UUID serverId, UUID projectId, String name, ArchiveUpload archive) {
        return gateway.importArchive(serverId, projectId, name, archive);
    }

    /**
     * Records an imported project as a new lab, in one transaction with its event and {@code alsoInTransaction}
     * (the import's own fenced ending): when that fails, nothing is recorded. A name taken meanwhile is a 409.
     */
    Uni<ProjectState> recordImported(UUID projectId, String owner, UUID serverId, String name, JsonNode gns3,
                                    java.util.function.Supplier<Uni<Void>> alsoInTransaction) {
        NewProject request = new NewProject(projectId, name, owner, serverId, null, null, null,
                null, null);
        return persistNew(projectId, owner, serverId, request, gns3, alsoInTransaction)
                .onFailure(ProjectService::isUniqueViolation).transform(e -> nameTaken(name, null));
    }

    /** Removes a GNS3 project nobody recorded; one already gone counts as removed. */
    Uni<Void> removeFromGns3(UUID serverId, UUID projectId) {
        return gateway.deleteProject(serverId, projectId).replaceWithVoid()
                .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 404).recoverWithNull();
    }

    @WithSession
    public Uni<CursorPage<ProjectState>> list(UUID serverId, ProjectStatus status, String tag, String name, String cursor,
                                             Integer limit) {
        int size = Cursor.limit(limit);
        // a caller who does not see every lab lists its own and those of its groups
        SecurityIdentity caller = Caller.current();
        ProjectRepository.Visibility visibility = LabAccess.seesAll(caller) ? null
                : new ProjectRepository.Visibility(Caller.name(caller), LabAccess.groupTags(caller));
        return repository.page(new ProjectRepository.Filter(serverId, status, tag, name, visibility), cursor, size)
                .map(rows -> CursorPage.of(rows, size, ProjectRepository::cursorKey).map(ProjectState::of));
    }

    /**
     * One lab with live node and link counts; when its server can't tell, the counts are simply absent. A closed
     * project's counts are absent too: GNS3 2.2 answers 0 nodes and 0 links for it, whatever it holds.
     *
     * @param counts false to leave the counts out (no GNS3 call): for callers that only need where the lab lives
     */
    public Uni<ProjectState> get(UUID projectId, boolean counts) {
        return find(projectId).chain(p -> !counts || p.status == ProjectStatus.MISSING || p.status == ProjectStatus.CLOSED
                ? Uni.createFrom().item(ProjectState.of(p))
                : gateway.projectStats(p.serverId, p.id)
                        .map(stats -> ProjectState.of(p, intOrNull(stats, "nodes"), intOrNull(stats, "links")))
                        .onFailure().recoverWithItem(e -> ProjectState.of(p)));
    }

    /** Result of a create: the lab, and whether this call made it (false for an idempotent retry). */
    public record Created(ProjectState project, boolean created) {
    }

    /** What a create finds before calling GNS3: the lab with its id, or another with its name. */
    private record Found(Project sameId, Project sameName) {
    }

    /** A project on GNS3, and whether this call created it (false: adopted from an earlier attempt). */
    private record OnGns3(JsonNode project, boolean createdHere) {
    }

    /**
     * Creates a lab, idempotently by {@code projectId}: a retry of a create (same id, name and owner) answers the
     * lab, even while the first attempt still runs; the GNS3 project is undone only when this very call created it
     * and nobody recorded it.
     */
    public Uni<Created> create(NewProject request) {
        UUID id = request.projectId() != null ? request.projectId() : UUID.randomUUID();
        String owner = ownerFor(request.owner());
        return Panache.withSession(() -> repository.findById(id).chain(existing -> existing != null
                        ? Uni.createFrom().item(new Found(existing, null))
                        : repository.findByOwnerAndName(owner, request.name()).map(same -> new Found(null, same))))
                .chain(found -> {
                    if (found.sameId() != null) {
                        return retried(found.sameId(), id, owner, request.name());
                    }
                    if (found.sameName() != null) {
                        return Uni.createFrom().failure(nameTaken(request.name(), found.sameName().id));
                    }
                    return quotas.check(QuotaService.demands(owner,
                                    request.tags() == null ? null : request.tags().toArray(String[]::new), 1, 0, 0))
                            .chain(() -> chooseServer(request)).chain(serverId -> createOnGns3(id, serverId, request)
                            .chain(made -> persistNew(id, owner, serverId, request, made.project(), 0)
                                    .map(view -> new Created(view, true))
                                    .onFailure(e -> !isUniqueViolation(e)).call(e -> made.createdHere()
                                            ? compensate(serverId, id, e) : Uni.createFrom().voidItem())
                                    .onFailure(ProjectService::isUniqueViolation).recoverWithUni(e ->
                                            concurrentCreate(id, owner, request.name(), serverId, made, e))));
                });
    }

    /** Another create recorded this id or this name first: a retry of ours is answered, a clash undone and refused. */
    private Uni<Created> concurrentCreate(UUID id, String owner, String name, UUID serverId, OnGns3 made,
                                          Throwable clash) {
        return Panache.withSession(() -> repository.findById(id)).chain(winner -> {
            if (winner != null && winner.name.equals(name) && winner.owner.equals(owner)) {
                // the same create, retried while the first attempt ran: both are answered with the one lab
                return Uni.createFrom().item(new Created(ProjectState.of(winner), false));
            }
            Uni<Void> undo = made.createdHere() && winner == null ? compensate(serverId, id, clash)
                    : Uni.createFrom().voidItem();
            return undo.chain(() -> Uni.createFrom().failure(winner != null ? idTaken(id) : nameTaken(name, null)));
        });
    }

    private Uni<Created> retried(Project existing, UUID id, String owner, String name) {
        if (existing.name.equals(name) && existing.owner.equals(owner)) {
            return Uni.createFrom().item(new Created(ProjectState.of(existing), false));
        }
        return Uni.createFrom().failure(idTaken(id));
    }

    private static ProblemException idTaken(UUID id) {
        return new ProblemException(ProblemException.conflict("project id " + id + " is already used by another lab")
                .problem().with("projectId", id));
    }

    private static ProblemException nameTaken(String name, UUID holder) {
        ProblemException e = ProblemException.conflict("a lab named '" + name + "' already exists");
        return holder == null ? e : new ProblemException(e.problem().with("projectId", holder));
    }

    private Uni<UUID> chooseServer(NewProject request) {
        if (request.serverId() != null) {
            return Uni.createFrom().item(request.serverId());
        }
        java.util.Map<String, String> required = new java.util.LinkedHashMap<>();
        List<String> labels = request.labels() == null ? List.of() : request.labels();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            int eq = label.indexOf('=');
            if (eq <= 0) {
                return Uni.createFrom().failure(ProblemException.invalid("labels[" + i + "]",
                        "must be key=value, e.g. site=lab1"));
            }
            required.put(label.substring(0, eq), label.substring(eq + 1));
        }
        // the gateway's placement takes the labels as a map (they were sent as the request's list, which its
        // PlacementRequest cannot read: every create with labels was refused)
        return gateway.place(new PlacementRequest(0, null, required.isEmpty() ? null : required, null, null, null))
                .map(answer -> {
            if (answer.serverId() == null) {
                throw ProblemException.unavailable("no GNS3 server can take this lab", 30);
            }
            return answer.serverId();
        });
    }

    /** Creates the GNS3 project with our id; GNS3 names are unique per server, so a taken name gets our id's prefix. */
    private Uni<OnGns3> createOnGns3(UUID id, UUID serverId, NewProject request) {
        return gateway.createProject(serverId, gns3Body(id, request.name(), request))
                .map(created -> new OnGns3(created, true))
                .onFailure(ProblemException.class).recoverWithUni(e -> {
                    ProblemException problem = (ProblemException) e;
                    if (problem.problem().status() != 409) {
                        return Uni.createFrom().failure(e);
                    }
                    // Either an earlier attempt of this create (same id: adopt it, it is not ours to undo) or
                    // another lab with this name on the server.
                    return gateway.getProject(serverId, id).map(adopted -> new OnGns3(adopted, false))
                            .onFailure().recoverWithUni(notOurs -> gateway.createProject(serverId,
                                    gns3Body(id, request.name() + "-" + id.toString().substring(0, 8), request))
                                    .map(created -> new OnGns3(created, true)));
                });
    }

    private static ObjectNode gns3Body(UUID id, String name, NewProject request) {
        ObjectNode body = CloudEventCodec.mapper().createObjectNode();
        body.put("project_id", id.toString());
        body.put("name", name);
        // GNS3's default (true) closes a project 5 s after its last notification client left: the gateway's bridge
        // is that client, so a gateway restart or a bridge handover would close every running lab. A lab stays up
        // unless its owner asks for auto-close.
        body.put("auto_close", Boolean.TRUE.equals(request.autoClose()));
        body.put("auto_start", Boolean.TRUE.equals(request.autoStart()));
        return body;
    }

    /** The lab exists on GNS3 because of this call but could not be recorded here: undo it on GNS3. */
    private Uni<Void> compensate(UUID serverId, UUID id, Throwable cause) {
        LOG.warnf("project %s created on GNS3 but not recorded (%s); deleting it there", id, cause.toString());
        return gateway.deleteProject(serverId, id).onFailure().recoverWithNull();
    }

    private Uni<ProjectState> persistNew(UUID id, String owner, UUID serverId, NewProject request,
                                        JsonNode gns3, Integer nodeCount) {
        return persistNew(id, owner, serverId, request, gns3, nodeCount, () -> Uni.createFrom().voidItem());
    }

    private Uni<ProjectState> persistNew(UUID id, String owner, UUID serverId, NewProject request,
                                        JsonNode gns3, java.util.function.Supplier<Uni<Void>> alsoInTransaction) {
        return persistNew(id, owner, serverId, request, gns3, null, alsoInTransaction);
    }

    private Uni<ProjectState> persistNew(UUID id, String owner, UUID serverId, NewProject request,
                                        JsonNode gns3, Integer nodeCount,
                                        java.util.function.Supplier<Uni<Void>> alsoInTransaction) {
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
        p.autoClose = Boolean.TRUE.equals(request.autoClose());
        p.nodeCount = nodeCount;
        p.runningNodes = 0;
        p.createdAt = now;
        p.updatedAt = now;
        return Panache.withTransaction(() -> alsoInTransaction.get().chain(() -> repository.persist(p))
                        .chain(() -> events.publish(EventTypes.LAB_PROJECT_CREATED, p)))
                .map(ignored -> ProjectState.of(p));
    }

    public Uni<ProjectState> update(UUID projectId, ProjectEdit request) {
        return find(projectId).chain(p -> {
            boolean rename = request.name() != null && !request.name().equals(p.name);
            Uni<Void> nameFree = rename ? Panache.withSession(() -> repository.findByOwnerAndName(p.owner, request.name()))
                    .chain(other -> other != null ? Uni.createFrom().failure(ProblemException.conflict(
                            "a lab named '" + request.name() + "' already exists"))
                            : Uni.createFrom().voidItem()) : Uni.createFrom().voidItem();
            Uni<Void> onGns3 = rename || request.autoClose() != null
                    ? gateway.updateProject(p.serverId, p.id, gns3Update(request)).replaceWithVoid()
                    : Uni.createFrom().voidItem();
            return nameFree.chain(() -> onGns3).chain(() -> write(projectId, EventTypes.LAB_PROJECT_UPDATED, stored -> {
                if (request.name() != null) {
                    stored.name = request.name();
                }
                if (request.description() != null) {
                    stored.description = request.description();
                }
                if (request.tags() != null) {
                    stored.tags = request.tags().toArray(String[]::new);
                }
                if (request.autoStart() != null) {
                    stored.autoStart = request.autoStart();
                }
                if (request.autoClose() != null) {
                    stored.autoClose = request.autoClose();
                }
            })).map(ProjectState::of);
        });
    }

    private static ObjectNode gns3Update(ProjectEdit request) {
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
    public Uni<Void> delete(UUID projectId) {
        return find(projectId).chain(p -> gateway.deleteProject(p.serverId, p.id)
                .onFailure(e -> e instanceof ProblemException pe && pe.problem().status() == 404)
                .recoverWithNull()
                // by id, not by version: GNS3's own events about the deletion may have touched the row meanwhile
                .chain(() -> Panache.withTransaction(() -> repository.findById(p.id).chain(stored -> stored == null
                        ? Uni.createFrom().voidItem()
                        : events.publish(EventTypes.LAB_PROJECT_DELETED, stored)
                                .chain(() -> repository.delete("id", p.id)).replaceWithVoid()))));
    }

    /** Copies a lab on its server; the copy is a new lab of the same owner (GNS3 leaves it closed). */
    public Uni<ProjectState> duplicate(UUID projectId, String name, boolean resetMacAddresses) {
        return find(projectId).chain(source -> Panache.withSession(() -> repository.findByOwnerAndName(source.owner, name))
                .chain(taken -> {
                    if (taken != null) {
                        return Uni.createFrom().failure(nameTaken(name, taken.id));
                    }
                    ObjectNode body = CloudEventCodec.mapper().createObjectNode().put("name", name)
                            .put("reset_mac_addresses", resetMacAddresses);
                    return quotas.check(QuotaService.demands(source.owner, source.tags, 1,
                                    source.nodeCount == null ? 0 : source.nodeCount, 0))
                            .chain(() -> gateway.duplicateProject(source.serverId, source.id, body)).chain(gns3 -> {
                        UUID copyId = UUID.fromString(gns3.path("project_id").asText());
                        NewProject copy = new NewProject(copyId, name, source.owner,
                                source.serverId, source.description,
                                source.tags == null ? null : java.util.List.of(source.tags), source.autoStart,
                                source.autoClose, null);
                        // GNS3 gave the copy a new id: it is this call's own, undone when it cannot be recorded
                        return persistNew(copyId, source.owner, source.serverId, copy, gns3, source.nodeCount)
                                .onFailure().call(e -> compensate(source.serverId, copyId, e))
                                .onFailure(ProjectService::isUniqueViolation).transform(e -> nameTaken(name, null));
                    });
                }));
    }

    public Uni<ProjectState> open(UUID projectId) {
        return find(projectId).chain(p -> gateway.openProject(p.serverId, p.id)
                .chain(() -> record(projectId, ProjectStatus.OPENED, EventTypes.LAB_PROJECT_OPENED, stored -> { })));
    }

    public Uni<ProjectState> close(UUID projectId) {
        return find(projectId).chain(p -> gateway.closeProject(p.serverId, p.id)
                .chain(() -> record(projectId, ProjectStatus.CLOSED, EventTypes.LAB_PROJECT_CLOSED,
                        stored -> stored.runningNodes = 0))); // closing stops every node
    }

    /**
     * Records the status GNS3 answered, with its event, unless the lab has it already: GNS3 notifies an open or close
     * before it answers the call, so the gns3.events consumer may have recorded it (and published its event) first,
     * and a lab closed or opened outside Labfleet was recorded when GNS3 said so. One event per change either way.
     */
    private Uni<ProjectState> record(UUID projectId, ProjectStatus status, String eventType,
                                     java.util.function.Consumer<Project> also) {
        return writeIf(projectId, eventType, stored -> {
            also.accept(stored);
            if (stored.status == status) {
                return false;
            }
            stored.status = status;
            return true;
        }).map(ProjectState::of);
    }

    /**
     * Changes the stored lab in a short transaction of its own, on a fresh read, with its event. A clash with a
     * concurrent writer of the row (the gns3.events consumer recording the same change) is retried on a new read.
     */
    Uni<Project> write(UUID projectId, String eventType, java.util.function.Consumer<Project> change) {
        return writeIf(projectId, eventType, stored -> {
            change.accept(stored);
            return true;
        });
    }

    /**
     * As {@link #write(UUID, String, java.util.function.Consumer)}, but {@code change} says whether it changed what
     * the event reports: if not, neither the event nor a new {@code updatedAt} (which would make GNS3 notifications
     * heard meanwhile look stale).
     */
    private Uni<Project> writeIf(UUID projectId, String eventType, java.util.function.Predicate<Project> change) {
        return Uni.createFrom().deferred(() -> Panache.withTransaction(() -> repository.findById(projectId)
                        .onItem().ifNull().failWith(() -> notFound(projectId))
                        .call(stored -> {
                            if (!change.test(stored)) {
                                return Uni.createFrom().voidItem();
                            }
                            stored.updatedAt = OffsetDateTime.now(ZoneOffset.UTC);
                            return events.publish(eventType, stored);
                        })))
                .onFailure(ProjectService::isOptimisticLock).retry().atMost(3);
    }

    /**
     * The lab as stored, read in a session of its own when none is open (the entity is detached afterwards), when the
     * caller may see it (a read) or change it (any other method): 403 otherwise (docs/security.md). Every route on a
     * lab goes through here.
     */
    public Uni<Project> find(UUID projectId) {
        return Panache.withSession(() -> repository.findById(projectId))
                .onItem().ifNull().failWith(() -> notFound(projectId))
                .invoke(ProjectService::checkAccess);
    }

    private static void checkAccess(Project p) {
        SecurityIdentity caller = Caller.current();
        if (LabAccess.seesAll(caller)) {
            return;
        }
        List<String> tags = p.tags == null ? List.of() : List.of(p.tags);
        String method = Caller.method();
        boolean read = method == null || "GET".equals(method) || "HEAD".equals(method);
        if (read ? !LabAccess.canSee(caller, p.owner, tags) : !LabAccess.canChange(caller, p.owner, tags)) {
            throw AuthProblems.forbidden("lab " + p.id + " belongs to " + p.owner + " and none of the caller's groups: "
                    + (read ? "it may not be read" : "it may not be changed") + " by " + Caller.name(caller));
        }
    }

    /**
     * The owner of a new lab: the caller. Only an admin (or the suite itself, or tests with security off) names
     * another owner; anyone else naming one is refused.
     */
    private static String ownerFor(String requested) {
        SecurityIdentity caller = Caller.current();
        boolean named = requested != null && !requested.isBlank();
        if (LabAccess.seesAll(caller)) {
            return named ? requested : caller != null && !Caller.open(caller) ? Caller.name(caller) : DEFAULT_OWNER;
        }
        String me = Caller.name(caller);
        if (named && !requested.equals(me)) {
            throw AuthProblems.forbidden("only an admin creates labs for another owner (" + requested + "); leave owner"
                    + " out to own the lab as " + me);
        }
        return me;
    }

    private static ProblemException notFound(UUID projectId) {
        return new ProblemException(ProblemException.notFound("project " + projectId + " does not exist").problem()
                .with("projectId", projectId));
    }

    static boolean isOptimisticLock(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof jakarta.persistence.OptimisticLockException
                    || t instanceof org.hibernate.StaleStateException) {
                return true;
            }
        }
        return false;
    }

    static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            // the driver's error, or Hibernate Reactive's translation of it (a JDBC-style SQLException)
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
                    || t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())
                    || t instanceof org.hibernate.exception.ConstraintViolationException cv
                    && "23505".equals(cv.getSQLState())) {
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
