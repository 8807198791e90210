package dev.labfleet.project.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.gns3.ServerView;
import dev.labfleet.project.domain.Project;
import dev.labfleet.project.domain.ProjectStatus;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Accepts moves and evacuations: everything a caller can get wrong is checked before anything is written or moved
 * (unknown lab or server, a target that is the source or is draining, nowhere to go), then the moves are stored
 * PENDING for {@link MoveRunner} to claim on any replica.
 */
@ApplicationScoped
public class MoveService {

    private final GatewayClient gateway;
    private final FleetConfig config;

    public MoveService(GatewayClient gateway, FleetConfig config) {
        this.gateway = gateway;
        this.config = config;
    }

    public Uni<MoveView> move(UUID projectId, MoveRequest request) {
        MoveRequest r = request == null ? new MoveRequest(null, null) : request;
        return Panache.withSession(() -> Project.<Project>findById(projectId)).chain(lab -> {
            if (lab == null) {
                throw new ProblemException(ProblemException.notFound("project " + projectId + " does not exist")
                        .problem().with("projectId", projectId));
            }
            if (lab.status == ProjectStatus.MISSING) {
                throw new ProblemException(ProblemException.conflict("lab " + projectId + " is missing from its server "
                        + lab.serverId + ": there is nothing to move").problem().with("projectId", projectId));
            }
            UUID source = lab.serverId;
            return checkTarget(source, r.targetServerId(), "the lab is on it already")
                    .chain(() -> noLeftoverOn(projectId, r.targetServerId()))
                    .chain(() -> nowhereToGo(source, r.targetServerId(), lab.id, 1))
                    .chain(() -> Panache.withTransaction(() -> activeMove(projectId).chain(active -> {
                        if (active != null) {
                            throw alreadyMoving(projectId, active);
                        }
                        Move move = newMove(lab, null, r.targetServerId(), r.includeSnapshots() == null
                                || r.includeSnapshots(), now());
                        return move.persist().replaceWith(move);
                    })))
                    .onFailure(MoveService::uniqueViolation).transform(e -> new ProblemException(ProblemException
                            .conflict("lab " + projectId + " is already being moved").problem()
                            .with("projectId", projectId)))
                    .map(MoveView::of);
        });
    }

    public Uni<EvacuationView> evacuate(UUID serverId, EvacuateRequest request) {
        EvacuateRequest r = request == null ? new EvacuateRequest(null, null, null) : request;
        UUID evacuationId = UUID.randomUUID();
        return server(serverId, null)
                .chain(() -> checkTarget(serverId, r.targetServerId(), "it is the server being evacuated"))
                .chain(() -> Panache.withSession(() -> Project.<Project>list("serverId", serverId)))
                .chain(labs -> nowhereToGo(serverId, r.targetServerId(), null, labs.size()).replaceWith(labs))
                .call(() -> gateway.drain(serverId, "evacuation " + evacuationId))
                .chain(labs -> Panache.withTransaction(() -> (labs.isEmpty() ? Uni.createFrom().item(List.<Move>of())
                        : Move.<Move>list("activeProjectId in ?1", labs.stream().map(p -> p.id)
                        .collect(Collectors.toSet()))).chain(active -> {
                    Set<UUID> moving = active.stream().map(m -> m.projectId).collect(Collectors.toSet());
                    OffsetDateTime now = now();
                    Evacuation evacuation = new Evacuation();
                    evacuation.id = evacuationId;
                    evacuation.serverId = serverId;
                    evacuation.targetServerId = r.targetServerId();
                    evacuation.includeSnapshots = r.includeSnapshots() == null || r.includeSnapshots();
                    evacuation.concurrency = r.concurrency() == null ? config.defaultConcurrency() : r.concurrency();
                    evacuation.createdAt = now;
                    ArrayNode skipped = CloudEventCodec.mapper().createArrayNode();
                    List<Move> moves = new ArrayList<>();
                    int i = 0;
                    for (Project lab : labs) {
                        if (moving.contains(lab.id)) {
                            skipped.addObject().put("projectId", lab.id.toString()).put("reason", "already being moved");
                        } else if (lab.status == ProjectStatus.MISSING) {
                            skipped.addObject().put("projectId", lab.id.toString())
                                    .put("reason", "missing from the server: nothing to move");
                        } else {
                            // created in list order, a microsecond apart, so they are claimed in that order
                            moves.add(newMove(lab, evacuationId, r.targetServerId(), evacuation.includeSnapshots,
                                    now.plusNanos(1000L * i++)));
                        }
                    }
                    evacuation.skipped = skipped.toString();
                    evacuation.state = moves.isEmpty() ? Evacuation.State.FINISHED : Evacuation.State.RUNNING;
                    evacuation.finishedAt = moves.isEmpty() ? now : null;
                    return evacuation.persist().chain(() -> moves.isEmpty() ? Uni.createFrom().voidItem()
                            : Move.persist(moves)).replaceWith(evacuation);
                }))
                .onFailure(MoveService::uniqueViolation).transform(e -> ProblemException.conflict(
                        "a lab of server " + serverId + " began moving meanwhile: evacuate again")))
                .chain(evacuation -> evacuation(evacuation.id));
    }

    public Uni<MoveView> get(UUID moveId) {
        return Panache.withSession(() -> Move.<Move>findById(moveId)).map(m -> {
            if (m == null) {
                throw new ProblemException(ProblemException.notFound("move " + moveId + " does not exist").problem()
                        .with("moveId", moveId));
            }
            return MoveView.of(m);
        });
    }

    /** A lab's moves, newest first (its history of servers). */
    public Uni<List<MoveView>> history(UUID projectId) {
        return Panache.withSession(() -> Project.<Project>findById(projectId).chain(lab -> {
            if (lab == null) {
                throw new ProblemException(ProblemException.notFound("project " + projectId + " does not exist")
                        .problem().with("projectId", projectId));
            }
            return Move.<Move>list("projectId = ?1 order by createdAt desc", projectId);
        })).map(moves -> moves.stream().map(MoveView::of).toList());
    }

    public Uni<EvacuationView> evacuation(UUID evacuationId) {
        return Panache.withSession(() -> Evacuation.<Evacuation>findById(evacuationId).chain(e -> {
            if (e == null) {
                throw new ProblemException(ProblemException.notFound("evacuation " + evacuationId + " does not exist")
                        .problem().with("evacuationId", evacuationId));
            }
            return Move.<Move>list("evacuationId = ?1 order by createdAt", evacuationId).map(moves -> {
                List<MoveView> views = moves.stream().map(MoveView::of).toList();
                int moved = (int) moves.stream().filter(m -> m.state == Move.State.MOVED).count();
                int failed = (int) moves.stream().filter(m -> m.state == Move.State.FAILED).count();
                JsonNode skipped;
                try {
                    skipped = CloudEventCodec.mapper().readTree(e.skipped);
                } catch (IOException ex) {
                    skipped = CloudEventCodec.mapper().createArrayNode();
                }
                return new EvacuationView(e.id, e.serverId, e.targetServerId, e.includeSnapshots, e.concurrency,
                        e.state.name().toLowerCase(), moves.size(), moved, failed, moves.size() - moved - failed,
                        skipped, views, e.createdAt, e.finishedAt);
            });
        }));
    }

    // ------------------------------------------------------------------ checks

    /** The server as the gateway knows it; 404 naming {@code field} (or the path's server) when it is unknown. */
    private Uni<ServerView> server(UUID serverId, String field) {
        return gateway.server(serverId).onFailure(e -> e instanceof ProblemException p && p.problem().status() == 404)
                .transform(e -> {
                    Problem problem = Problem.of(ProblemTypes.NOT_FOUND, (field == null ? "" : field + ": ")
                            + "no GNS3 server " + serverId + " is registered").with("serverId", serverId);
                    return new ProblemException(field == null ? problem : problem.with("field", field));
                });
    }

    private Uni<Void> checkTarget(UUID source, UUID target, String sameWhy) {
        if (target == null) {
            return Uni.createFrom().voidItem();
        }
        if (target.equals(source)) {
            return Uni.createFrom().failure(ProblemException.invalid("targetServerId", "is " + source + ": "
                    + sameWhy));
        }
        return server(target, "targetServerId").map(view -> {
            if (view.draining()) {
                throw new ProblemException(ProblemException.conflict("targetServerId: server " + target
                        + " is draining and takes no labs").problem().with("serverId", target)
                        .with("field", "targetServerId"));
            }
            return null;
        }).replaceWithVoid();
    }

    /**
     * Asks placement, before anything moves, whether the labs can go anywhere (or to the target): a 409 that says
     * so, with placement's reasons, when they cannot. Nothing to move needs nowhere to go.
     */
    private Uni<Void> nowhereToGo(UUID source, UUID target, UUID projectId, int labs) {
        if (labs == 0) {
            return Uni.createFrom().voidItem();
        }
        PlacementRequest needs = new PlacementRequest(null, null, null, List.of(source),
                target != null ? "pinned" : null, target);
        return gateway.place(needs).replaceWithVoid()
                .onFailure(e -> e instanceof ProblemException p && p.problem().status() == 503).transform(e -> {
                    Problem problem = Problem.of(ProblemTypes.CONFLICT, (target == null
                            ? "nowhere to go: no other GNS3 server can take the labs of server " + source
                            : "server " + target + " cannot take the labs of server " + source) + " ("
                            + ((ProblemException) e).problem().detail() + "); nothing was moved")
                            .with("serverId", source);
                    return new ProblemException(projectId == null ? problem : problem.with("projectId", projectId));
                });
    }

    /** A target that still holds a partial copy of the lab from a failed move: a 409 until the copy is gone. */
    private static Uni<Void> noLeftoverOn(UUID projectId, UUID target) {
        if (target == null) {
            return Uni.createFrom().voidItem();
        }
        return Panache.withSession(() -> Move.count("projectId = ?1 and leftoverServerId = ?2 and leftoverState = ?3",
                projectId, target, Move.LeftoverState.PENDING)).map(pending -> {
                    if (pending > 0) {
                        throw new ProblemException(ProblemException.conflict(LeftoverSweeper.blocked(projectId, target))
                                .problem().with("projectId", projectId).with("serverId", target));
                    }
                    return null;
                });
    }

    private static Uni<Move> activeMove(UUID projectId) {
        return Move.<Move>find("activeProjectId", projectId).firstResult();
    }

    private static ProblemException alreadyMoving(UUID projectId, Move active) {
        return new ProblemException(ProblemException.conflict("lab " + projectId + " is already being moved (move "
                + active.id + ")").problem().with("projectId", projectId).with("moveId", active.id));
    }

    private static Move newMove(Project lab, UUID evacuationId, UUID target, boolean includeSnapshots,
                                OffsetDateTime at) {
        Move move = new Move();
        move.id = UUID.randomUUID();
        move.evacuationId = evacuationId;
        move.projectId = lab.id;
        move.activeProjectId = lab.id;
        move.sourceServerId = lab.serverId;
        move.requestedTargetId = target;
        move.includeSnapshots = includeSnapshots;
        move.state = Move.State.PENDING;
        move.step = Move.Step.PLAN;
        move.createdAt = at;
        move.updatedAt = at;
        return move;
    }

    static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof io.vertx.pgclient.PgException pg && "23505".equals(pg.getSqlState())
                    || t instanceof java.sql.SQLException sql && "23505".equals(sql.getSQLState())
                    || t instanceof org.hibernate.exception.ConstraintViolationException cv
                    && "23505".equals(cv.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
