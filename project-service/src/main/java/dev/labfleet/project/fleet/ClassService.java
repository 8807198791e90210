package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.quota.QuotaService;
import dev.labfleet.project.service.ProjectService;
import dev.labfleet.support.security.AuthProblems;
import dev.labfleet.support.security.Caller;
import dev.labfleet.support.security.LabAccess;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Accepts classes (fan-out of a lab to N copies) and tears them down. Everything a caller can get wrong is checked
 * before anything is exported or written: the source, the owners and group, the copies' names, the servers and their
 * room, the quotas. The source is then exported once into PostgreSQL, and the class and its copies are written in one
 * transaction (quotas checked again under a lock of their scopes) for {@link CopyRunner} to make on any replica.
 */
@ApplicationScoped
public class ClassService {

    private final ProjectService projects;
    private final GatewayClient gateway;
    private final ArchiveStore archives;
    private final QuotaService quotas;
    private final FleetConfig config;
    private final Pool pool;

    public ClassService(ProjectService projects, GatewayClient gateway, ArchiveStore archives,
                        QuotaService quotas, FleetConfig config, Pool pool) {
        this.projects = projects;
        this.gateway = gateway;
        this.archives = archives;
        this.quotas = quotas;
        this.config = config;
        this.pool = pool;
    }

    /** The class and whether this call created it (false: a retry answered with the class it made before). */
    public record Accepted(ClassView view, boolean created) {
    }

    /** One copy as planned: its index (from 1), lab id, name, owner and server. */
    record PlannedCopy(int index, UUID projectId, String name, String owner, UUID serverId, int slots) {
    }

    /** A server copies may go to: its id, room left (labs), capacity weight, and copies made at once on it. */
    record Room(UUID serverId, String name, long labs, long capacity, double weight, int slots) {
    }

    public Uni<Accepted> copy(UUID projectId, CopyRequest r) {
        SecurityIdentity caller = Caller.current();
        int count = count(r);
        boolean admin = LabAccess.seesAll(caller);
        if (r.owners() != null && !admin) {
            throw AuthProblems.forbidden("only an admin makes copies for other owners; leave owners out to own the "
                    + "copies (with group to share them with a group)");
        }
        if (r.group() != null && !admin && !Caller.groups(caller).contains(r.group())) {
            throw new ProblemException(Problem.of(ProblemTypes.FORBIDDEN, "group: " + Caller.name(caller)
                    + " is not a member of group " + r.group()).with("field", "group"));
        }
        String me = caller == null || Caller.open(caller) ? "default" : Caller.name(caller);
        UUID classId = r.classId() != null ? r.classId() : UUID.randomUUID();
        String hash = hash(projectId, count, r);
        return projects.find(projectId).chain(source -> Panache.withSession(() -> LabClass.<LabClass>findById(classId))
                .chain(existing -> {
                    if (existing != null) {
                        return retried(existing, hash);
                    }
                    List<String> owners = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        owners.add(r.owners() != null ? r.owners().get(i) : me);
                    }
                    return fresh(source, classId, count, owners, r, me, hash);
                }));
    }

    private Uni<Accepted> retried(LabClass existing, String hash) {
        if (!existing.requestHash.equals(hash)) {
            return Uni.createFrom().failure(new ProblemException(ProblemException.conflict("classId: class "
                    + existing.id + " exists and was made by another request (other source, count, names, owners "
                    + "or options); use a new classId").problem().with("classId", existing.id)
                    .with("field", "classId")));
        }
        return view(existing.id).map(v -> new Accepted(v, false));
    }

    private Uni<Accepted> fresh(Project source, UUID classId, int count, List<String> owners, CopyRequest r, String me,
                                String hash) {
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String name = r.namePattern().replace("{n}", Integer.toString(i));
            if (name.length() > 200) {
                throw ProblemException.invalid("namePattern", "makes names longer than 200 characters");
            }
            names.add(name);
        }
        boolean start = Boolean.TRUE.equals(r.start());
        return namesFree(names, owners)
                .chain(() -> nodeCount(source))
                .chain(nodes -> rooms(r.serverIds()).chain(rooms -> {
                    List<PlannedCopy> plan = place(classId, names, owners, rooms,
                            "pack".equals(r.placement()) ? "pack" : "spread");
                    List<QuotaService.Demand> demands = demands(owners, r.group(), nodes, start);
                    // fail fast, before the export; checked again under the scopes' locks when written
                    return quotas.check(demands)
                            .chain(() -> gateway.export(source.serverId, source.id,
                                    Boolean.TRUE.equals(r.includeSnapshots()), r.resetMacAddresses() == null
                                            || r.resetMacAddresses()))
                            .chain(response -> archives.save(response.toMulti()))
                            .chain(stored -> write(source, classId, r, me, hash, nodes, start, plan, demands, stored)
                                    .onFailure().call(e -> archives.unlink(stored.oid()).onFailure().recoverWithNull()));
                }))
                .onFailure(ClassService::classIdTaken).recoverWithUni(e -> Panache.withSession(() ->
                        LabClass.<LabClass>findById(classId)).chain(existing -> existing == null
                        ? Uni.createFrom().failure(e) : retried(existing, hash)));
    }

    private Uni<Accepted> write(Project source, UUID classId, CopyRequest r, String me, String hash, int nodes,
                                boolean start, List<PlannedCopy> plan, List<QuotaService.Demand> demands,
                                ArchiveStore.Stored stored) {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return pool.withTransaction(tx -> QuotaService.lock(tx, demands)
                        .chain(() -> quotas.check(tx, demands))
                        .chain(() -> tx.preparedQuery("INSERT INTO fleet_class (id, source_project_id, name_pattern, "
                                        + "copies, group_name, placement, start_nodes, start_batch_size, start_delay_ms, "
                                        + "node_count, archive_oid, archive_size, request_hash, created_by, state, "
                                        + "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                                        + "$14, 'RUNNING', $15)")
                                .execute(Tuple.from(java.util.Arrays.<Object>asList(classId, source.id,
                                        r.namePattern(), plan.size(), r.group(),
                                        "pack".equals(r.placement()) ? "pack" : "spread", start,
                                        r.startBatchSize() == null ? config.startBatchSize() : r.startBatchSize(),
                                        r.startDelayMs() == null ? config.startDelay().toMillis() : r.startDelayMs(),
                                        nodes, stored.oid(), stored.size(), hash, me, now))))
                        .chain(() -> {
                            List<Tuple> rows = new ArrayList<>();
                            for (PlannedCopy c : plan) {
                                rows.add(Tuple.from(java.util.Arrays.<Object>asList(UUID.randomUUID(), classId,
                                        c.index(), c.projectId(), c.name(), c.owner(), c.serverId(), c.slots(), nodes,
                                        // a microsecond apart in index order: claimed in that order
                                        now.plusNanos(1000L * c.index()))));
                            }
                            return tx.preparedQuery("INSERT INTO fleet_copy (id, class_id, copy_index, project_id, "
                                    + "name, owner_name, server_id, server_slots, node_count, state, step, attempts, "
                                    + "created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                                    + "'PENDING', 'IMPORT', 0, $10, $10, 0)").executeBatch(rows);
                        }))
                .chain(() -> view(classId)).map(v -> new Accepted(v, true));
    }

    private static boolean classIdTaken(Throwable e) {
        return MoveService.uniqueViolation(e) && String.valueOf(e.getMessage()).contains("fleet_class");
    }

    private static int count(CopyRequest r) {
        if (r.count() == null && r.owners() == null) {
            throw ProblemException.invalid("count", "is required (or give owners, one copy each)");
        }
        if (r.count() != null && r.owners() != null && r.owners().size() != r.count()) {
            throw ProblemException.invalid("owners", "names " + r.owners().size() + " owners for " + r.count()
                    + " copies: give one owner per copy");
        }
        return r.count() != null ? r.count() : r.owners().size();
    }

    private Uni<Void> namesFree(List<String> names, List<String> owners) {
        return Panache.withSession(() -> Project.<Project>list("name in ?1", Set.copyOf(names))).map(labs -> {
            Map<String, Set<String>> taken = new HashMap<>();
            labs.forEach(p -> taken.computeIfAbsent(p.owner, o -> new java.util.HashSet<>()).add(p.name));
            List<String> clashes = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                if (taken.getOrDefault(owners.get(i), Set.of()).contains(names.get(i))) {
                    clashes.add(names.get(i) + " (" + owners.get(i) + ")");
                }
            }
            if (!clashes.isEmpty()) {
                throw new ProblemException(ProblemException.conflict("namePattern: " + clashes.size()
                        + " copies' names are taken already: " + String.join(", ", clashes.subList(0,
                        Math.min(10, clashes.size()))) + (clashes.size() > 10 ? ", ..." : "")
                        + "; nothing was copied").problem().with("field", "namePattern").with("taken", clashes.size()));
            }
            return null;
        });
    }

    /** The source's nodes: what each copy will hold (a closed lab's nodes are known from its last count). */
    private Uni<Integer> nodeCount(Project source) {
        return gateway.listNodes(source.serverId, source.id).map(JsonNode::size)
                .map(n -> n == 0 && source.nodeCount != null ? source.nodeCount : n);
    }

    /** The servers copies may go to, with the labs they hold (and copies reserved on them) and their room. */
    private Uni<List<Room>> rooms(List<UUID> requested) {
        Uni<Map<UUID, Long>> held = pool.query("SELECT server_id, count(*) AS labs FROM (SELECT server_id FROM project "
                        + "UNION ALL SELECT c.server_id FROM fleet_copy c WHERE c.state IN ('PENDING', 'RUNNING') AND NOT "
                        + "EXISTS (SELECT 1 FROM project p WHERE p.id = c.project_id)) s GROUP BY server_id").execute()
                .map(rows -> {
                    Map<UUID, Long> labs = new HashMap<>();
                    for (Row row : rows) {
                        labs.put(row.getUUID("server_id"), row.getLong("labs"));
                    }
                    return labs;
                });
        return Uni.combine().all().unis(gateway.servers(), held).asTuple().map(t -> {
            Map<UUID, ServerView> byId = new LinkedHashMap<>();
            t.getItem1().forEach(s -> byId.put(s.id(), s));
            if (requested != null) {
                for (int i = 0; i < requested.size(); i++) {
                    ServerView s = byId.get(requested.get(i));
                    if (s == null) {
                        throw new ProblemException(Problem.of(ProblemTypes.NOT_FOUND, "serverIds[" + i + "]: no GNS3 "
                                + "server " + requested.get(i) + " is registered").with("field", "serverIds[" + i + "]"));
                    }
                    String why = ineligible(s);
                    if (why != null) {
                        throw new ProblemException(ProblemException.conflict("serverIds[" + i + "]: server "
                                + requested.get(i) + " takes no copies: " + why).problem()
                                .with("field", "serverIds[" + i + "]").with("serverId", requested.get(i)));
                    }
                }
            }
            List<Room> rooms = new ArrayList<>();
            for (Map.Entry<UUID, ServerView> e : byId.entrySet()) {
                ServerView s = e.getValue();
                if (ineligible(s) != null || requested != null && !requested.contains(e.getKey())) {
                    continue;
                }
                double weight = s.capacityWeight() > 0 ? s.capacityWeight() : 1.0;
                int max = s.maxConcurrent() == null ? 0 : s.maxConcurrent();
                int slots = max > 0 ? Math.min(max, config.copiesPerServer()) : config.copiesPerServer();
                rooms.add(new Room(e.getKey(), s.name(), t.getItem2().getOrDefault(e.getKey(), 0L),
                        (long) Math.floor(config.serverLabCapacity() * weight), weight, slots));
            }
            if (rooms.isEmpty()) {
                throw ProblemException.conflict("no GNS3 server can take copies (every server is disabled, down or "
                        + "draining); nothing was copied");
            }
            return rooms;
        });
    }

    private static String ineligible(ServerView s) {
        if (!s.enabled()) {
            return "disabled";
        }
        if (s.draining()) {
            return "draining";
        }
        if ("down".equalsIgnoreCase(s.status())) {
            return "down";
        }
        return null;
    }

    /**
     * Assigns each copy a server. spread: the server with the lowest fill (labs held and assigned over its capacity
     * weight) that has room, ties by id; pack: the fullest server with room first. 409 when the room runs out.
     */
    static List<PlannedCopy> place(UUID classId, List<String> names, List<String> owners, List<Room> rooms,
                                   String strategy) {
        long room = rooms.stream().mapToLong(s -> Math.max(0, s.capacity() - s.labs())).sum();
        if (room < names.size()) {
            throw new ProblemException(ProblemException.conflict("the servers have room for " + room + " more labs, "
                    + names.size() + " copies were asked (capacity: labfleet.project.fleet.server-lab-capacity per "
                    + "unit of a server's capacity weight); nothing was copied").problem().with("room", room)
                    .with("field", "count"));
        }
        long[] fill = new long[rooms.size()];
        for (int i = 0; i < rooms.size(); i++) {
            fill[i] = rooms.get(i).labs();
        }
        List<PlannedCopy> plan = new ArrayList<>();
        for (int n = 0; n < names.size(); n++) {
            int best = -1;
            for (int i = 0; i < rooms.size(); i++) {
                Room s = rooms.get(i);
                if (fill[i] >= s.capacity()) {
                    continue;
                }
                if (best < 0) {
                    best = i;
                    continue;
                }
                double mine = fill[i] / s.weight();
                double theirs = fill[best] / rooms.get(best).weight();
                boolean better = "pack".equals(strategy) ? mine > theirs : mine < theirs;
                if (better || mine == theirs && s.serverId().compareTo(rooms.get(best).serverId()) < 0) {
                    best = i;
                }
            }
            fill[best]++;
            Room s = rooms.get(best);
            plan.add(new PlannedCopy(n + 1, copyId(classId, n + 1), names.get(n), owners.get(n), s.serverId(),
                    s.slots()));
        }
        return plan;
    }

    /** A copy's lab id: fixed by its class and index, so a retried copy is the same lab. */
    static UUID copyId(UUID classId, int index) {
        return UUID.nameUUIDFromBytes(("labfleet-class:" + classId + ":" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static List<QuotaService.Demand> demands(List<String> owners, String group, int nodes, boolean start) {
        Map<String, Integer> perOwner = new LinkedHashMap<>();
        owners.forEach(o -> perOwner.merge(o, 1, Integer::sum));
        List<QuotaService.Demand> demands = new ArrayList<>();
        perOwner.forEach((owner, labs) -> demands.add(new QuotaService.Demand(QuotaService.Scope.OWNER, owner, labs,
                labs * nodes, start ? labs * nodes : 0)));
        if (group != null) {
            demands.add(new QuotaService.Demand(QuotaService.Scope.GROUP, group, owners.size(),
                    owners.size() * nodes, start ? owners.size() * nodes : 0));
        }
        return demands;
    }

    private static String hash(UUID projectId, int count, CopyRequest r) {
        String canonical = String.join("\u0000", projectId.toString(), Integer.toString(count), r.namePattern(),
                String.valueOf(r.owners()), String.valueOf(r.group()), String.valueOf(Boolean.TRUE.equals(r.start())),
                String.valueOf(r.startBatchSize()), String.valueOf(r.startDelayMs()),
                String.valueOf(r.placement() == null ? "spread" : r.placement()), String.valueOf(r.serverIds()),
                String.valueOf(Boolean.TRUE.equals(r.includeSnapshots())),
                String.valueOf(r.resetMacAddresses() == null || r.resetMacAddresses()));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------ reads and teardown

    /**
     * A class with its copies, for its creator, the members of its group and admins (403 otherwise: a class of
     * someone else's students is not listed to another trainer).
     */
    public Uni<ClassView> get(UUID classId) {
        SecurityIdentity caller = Caller.current();
        return Panache.withSession(() -> LabClass.<LabClass>findById(classId)).chain(k -> {
            if (k != null && !mayRead(caller, k)) {
                throw AuthProblems.forbidden("class " + classId + " was made by " + k.createdBy
                        + (k.groupName == null ? "" : " for group " + k.groupName) + ": it may not be read by "
                        + Caller.name(caller));
            }
            return view(classId);
        });
    }

    static boolean mayRead(SecurityIdentity caller, LabClass k) {
        return LabAccess.seesAll(caller) || k.createdBy.equals(Caller.name(caller))
                || k.groupName != null && Caller.groups(caller).contains(k.groupName);
    }

    /** Its creator or an admin: 403 for anyone else (404 first when there is no such class). */
    private static void mayChange(SecurityIdentity caller, LabClass k, String what) {
        if (!LabAccess.seesAll(caller) && !k.createdBy.equals(Caller.name(caller))) {
            throw AuthProblems.forbidden("class " + k.id + " was made by " + k.createdBy + ": only they or an "
                    + "admin " + what);
        }
    }

    Uni<ClassView> view(UUID classId) {
        return Panache.withSession(() -> LabClass.<LabClass>findById(classId).chain(k -> {
            if (k == null) {
                throw new ProblemException(ProblemException.notFound("class " + classId + " does not exist").problem()
                        .with("classId", classId));
            }
            return ClassCopy.<ClassCopy>list("classId = ?1 order by copyIndex", classId)
                    .map(copies -> ClassView.of(k, copies));
        }));
    }

    /** Classes, newest first (those of the caller, unless an admin), without their copies. */
    public Uni<List<ClassView>> list(String group) {
        SecurityIdentity caller = Caller.current();
        boolean all = LabAccess.seesAll(caller);
        return Panache.withSession(() -> (group == null ? LabClass.<LabClass>list("order by createdAt desc")
                : LabClass.<LabClass>list("groupName = ?1 order by createdAt desc", group)))
                .map(classes -> classes.stream()
                        .filter(k -> all || mayRead(caller, k))
                        .map(k -> ClassView.of(k, List.of())).toList());
    }

    /**
     * Tears a class down: copies not made yet are cancelled, made (and failed) ones are deleted by {@link CopyRunner}
     * one result each, copies being made are deleted once made. Its creator or an admin only.
     */
    public Uni<ClassView> delete(UUID classId) {
        SecurityIdentity caller = Caller.current();
        return Panache.withSession(() -> LabClass.<LabClass>findById(classId)).chain(k -> {
            if (k == null) {
                throw new ProblemException(ProblemException.notFound("class " + classId + " does not exist").problem()
                        .with("classId", classId));
            }
            mayChange(caller, k, "tear it down");
            return pool.withTransaction(tx -> tx.preparedQuery("UPDATE fleet_class SET state = 'DELETING', "
                            + "finished_at = NULL WHERE id = $1 AND state IN ('RUNNING', 'FINISHED')")
                    .execute(Tuple.of(classId))
                    .chain(() -> tx.preparedQuery("UPDATE fleet_copy SET state = 'CANCELLED', step = 'DELETE', "
                            + "finished_at = now(), updated_at = now(), owner = NULL, lease_until = NULL, "
                            + "version = version + 1 WHERE class_id = $1 AND state = 'PENDING'").execute(Tuple.of(classId)))
                    .chain(() -> tx.preparedQuery("UPDATE fleet_copy SET state = 'DELETING', step = 'DELETE', "
                            + "owner = NULL, lease_until = NULL, updated_at = now(), version = version + 1 "
                            + "WHERE class_id = $1 AND state IN ('DONE', 'FAILED')").execute(Tuple.of(classId))))
                    .chain(() -> view(classId));
        });
    }

    /** Tears down every class of a group. */
    public Uni<List<ClassView>> deleteGroup(String group) {
        return Panache.withSession(() -> LabClass.<LabClass>list("groupName = ?1 and state in ?2", group,
                        List.of(LabClass.State.RUNNING, LabClass.State.FINISHED)))
                .chain(classes -> {
                    Uni<List<ClassView>> chain = Uni.createFrom().item(new ArrayList<>());
                    for (LabClass k : classes) {
                        chain = chain.chain(done -> delete(k.id).map(v -> {
                            done.add(v);
                            return done;
                        }));
                    }
                    return chain;
                });
    }

    /** Makes the failed copies of a class again (same indexes, same lab ids). */
    public Uni<ClassView> retryFailed(UUID classId) {
        SecurityIdentity caller = Caller.current();
        return Panache.withSession(() -> LabClass.<LabClass>findById(classId)).invoke(k -> {
            if (k != null) {
                mayChange(caller, k, "make its copies again");
            }
        }).chain(() -> view(classId)).chain(v -> {
            if (!"running".equals(v.state()) && !"finished".equals(v.state())) {
                throw new ProblemException(ProblemException.conflict("class " + classId + " is " + v.state()
                        + ": its copies are not made again").problem().with("classId", classId));
            }
            return pool.withTransaction(tx -> tx.preparedQuery("UPDATE fleet_copy SET state = 'PENDING', step = 'IMPORT', "
                            + "error = NULL, attempts = 1, owner = NULL, lease_until = NULL, finished_at = NULL, "
                            + "updated_at = now(), version = version + 1 WHERE class_id = $1 AND state = 'FAILED'")
                    .execute(Tuple.of(classId))
                    .chain(() -> tx.preparedQuery("UPDATE fleet_class SET state = 'RUNNING', finished_at = NULL "
                            + "WHERE id = $1 AND archive_oid IS NOT NULL").execute(Tuple.of(classId))))
                    .chain(() -> view(classId));
        });
    }
}
