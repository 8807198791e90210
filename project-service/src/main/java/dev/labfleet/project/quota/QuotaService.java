package dev.labfleet.project.quota;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.support.security.LabAccess;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;

/**
 * Quotas per owner and per group (labs, running nodes, total nodes) and their usage. Usage counts the labs recorded
 * here (a group's labs are those tagged {@code group:<name>}) with their last known node counts, plus the copies of
 * classes accepted but not yet made (reserved, so two fan-outs cannot both take the last room). A demand over a
 * quota is refused with a 409 problem naming the quota and by how much it would be exceeded.
 */
@ApplicationScoped
public class QuotaService {

    public static final ProblemTypes.Kind QUOTA_EXCEEDED = new ProblemTypes.Kind("quota-exceeded", "Quota exceeded",
            409);

    public enum Scope {
        OWNER, GROUP;

        public String wire() {
            return name().toLowerCase();
        }

        public static Scope parse(String raw) {
            if ("owner".equals(raw)) {
                return OWNER;
            }
            if ("group".equals(raw)) {
                return GROUP;
            }
            throw ProblemException.invalid("scope", "must be owner or group");
        }
    }

    /** What a request would add to a scope's usage. */
    public record Demand(Scope scope, String name, int labs, int nodes, int runningNodes) {
    }

    /** What one lab of {@code owner} with {@code tags} adds to its owner's and groups' usage. */
    public static List<Demand> demands(String owner, String[] tags, int labs, int nodes, int runningNodes) {
        List<Demand> demands = new ArrayList<>();
        demands.add(new Demand(Scope.OWNER, owner, labs, nodes, runningNodes));
        if (tags != null) {
            for (String tag : tags) {
                if (tag != null && tag.startsWith(LabAccess.GROUP_TAG) && tag.length() > LabAccess.GROUP_TAG.length()) {
                    demands.add(new Demand(Scope.GROUP, tag.substring(LabAccess.GROUP_TAG.length()), labs, nodes,
                            runningNodes));
                }
            }
        }
        return demands;
    }

    private static final String RESERVED = "c.state IN ('PENDING', 'RUNNING') AND NOT EXISTS "
            + "(SELECT 1 FROM project p2 WHERE p2.id = c.project_id)";

    private static final String OWNER_USAGE = "SELECT "
            + "(SELECT count(*) FROM project p WHERE p.owner = $1) "
            + "+ (SELECT count(*) FROM fleet_copy c WHERE c.owner_name = $1 AND " + RESERVED + ") AS labs, "
            + "(SELECT coalesce(sum(p.node_count), 0) FROM project p WHERE p.owner = $1) "
            + "+ (SELECT coalesce(sum(c.node_count), 0) FROM fleet_copy c WHERE c.owner_name = $1 AND " + RESERVED
            + ") AS nodes, "
            + "(SELECT coalesce(sum(p.running_nodes), 0) FROM project p WHERE p.owner = $1) "
            + "+ (SELECT coalesce(sum(c.node_count), 0) FROM fleet_copy c JOIN fleet_class k ON k.id = c.class_id "
            + "WHERE k.start_nodes AND c.owner_name = $1 AND " + RESERVED + ") AS running";

    private static final String GROUP_USAGE = "SELECT "
            + "(SELECT count(*) FROM project p WHERE $2 = ANY(p.tags)) "
            + "+ (SELECT count(*) FROM fleet_copy c JOIN fleet_class k ON k.id = c.class_id WHERE k.group_name = $1 "
            + "AND " + RESERVED + ") AS labs, "
            + "(SELECT coalesce(sum(p.node_count), 0) FROM project p WHERE $2 = ANY(p.tags)) "
            + "+ (SELECT coalesce(sum(c.node_count), 0) FROM fleet_copy c JOIN fleet_class k ON k.id = c.class_id "
            + "WHERE k.group_name = $1 AND " + RESERVED + ") AS nodes, "
            + "(SELECT coalesce(sum(p.running_nodes), 0) FROM project p WHERE $2 = ANY(p.tags)) "
            + "+ (SELECT coalesce(sum(c.node_count), 0) FROM fleet_copy c JOIN fleet_class k ON k.id = c.class_id "
            + "WHERE k.group_name = $1 AND k.start_nodes AND " + RESERVED + ") AS running";

    private final Pool pool;

    public QuotaService(Pool pool) {
        this.pool = pool;
    }

    public Uni<QuotaView> get(Scope scope, String name) {
        return view(pool, scope, name);
    }

    public Uni<List<QuotaView>> list() {
        return pool.query("SELECT scope, name FROM quota ORDER BY scope, name").execute()
                .onItem().transformToMulti(rows -> Multi.createFrom().iterable(rows))
                .onItem().transformToUniAndConcatenate(row -> view(pool, Scope.parse(row.getString("scope")),
                        row.getString("name")))
                .collect().asList();
    }

    public Uni<QuotaView> set(Scope scope, String name, SetQuotaRequest request, String by) {
        return pool.preparedQuery("INSERT INTO quota (scope, name, max_labs, max_running_nodes, max_nodes, updated_by, "
                        + "updated_at) VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (scope, name) DO UPDATE SET "
                        + "max_labs = excluded.max_labs, max_running_nodes = excluded.max_running_nodes, "
                        + "max_nodes = excluded.max_nodes, updated_by = excluded.updated_by, updated_at = now()")
                .execute(Tuple.from(java.util.Arrays.<Object>asList(scope.wire(), name, request.maxLabs(), request.maxRunningNodes(),
                        request.maxNodes(), by)))
                .chain(() -> view(pool, scope, name));
    }

    public Uni<Void> delete(Scope scope, String name) {
        return pool.preparedQuery("DELETE FROM quota WHERE scope = $1 AND name = $2")
                .execute(Tuple.of(scope.wire(), name)).map(rows -> {
                    if (rows.rowCount() == 0) {
                        throw new ProblemException(ProblemException.notFound("no quota is set for " + scope.wire() + " "
                                + name).problem().with("scope", scope.wire()).with("name", name));
                    }
                    return null;
                });
    }

    /**
     * Refuses (409, {@link #QUOTA_EXCEEDED}) the first demand that would exceed a quota of its scope. Scopes without
     * a quota, and demands of nothing, pass.
     */
    public Uni<Void> check(List<Demand> demands) {
        return check(pool, demands);
    }

    /** {@link #check(List)} on a given connection (inside the transaction that then reserves the demand). */
    public Uni<Void> check(SqlClient client, List<Demand> demands) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Demand d : demands) {
            if (d.name() == null || d.labs() == 0 && d.nodes() == 0 && d.runningNodes() == 0) {
                continue;
            }
            chain = chain.chain(() -> view(client, d.scope(), d.name()).invoke(v -> refuseOver(v, d)).replaceWithVoid());
        }
        return chain;
    }

    /**
     * Serializes the checks and reservations of the given scopes across replicas for the rest of the caller's
     * transaction (a transaction-scoped advisory lock per scope, taken in a fixed order).
     */
    public static Uni<Void> lock(SqlClient tx, List<Demand> demands) {
        List<String> keys = new ArrayList<>();
        for (Demand d : demands) {
            if (d.name() != null) {
                keys.add("quota:" + d.scope().wire() + ":" + d.name());
            }
        }
        keys.sort(String::compareTo);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (String key : keys.stream().distinct().toList()) {
            chain = chain.chain(() -> tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
                    .execute(Tuple.of(key)).replaceWithVoid());
        }
        return chain;
    }

    private static void refuseOver(QuotaView v, Demand d) {
        over(v, "labs", v.maxLabs(), v.usage().labs(), d.labs());
        over(v, "totalNodes", v.maxNodes(), v.usage().nodes(), d.nodes());
        over(v, "runningNodes", v.maxRunningNodes(), v.usage().runningNodes(), d.runningNodes());
    }

    private static void over(QuotaView v, String quota, Integer limit, long used, int requested) {
        if (limit == null || requested <= 0 || used + requested <= limit) {
            return;
        }
        long by = used + requested - limit;
        String what = switch (quota) {
            case "labs" -> "labs";
            case "totalNodes" -> "nodes in total";
            default -> "running nodes";
        };
        throw new ProblemException(Problem.of(QUOTA_EXCEEDED, "quota " + quota + " of " + v.scope() + " '" + v.name()
                        + "' exceeded by " + by + ": it allows " + limit + " " + what + ", " + used + " are used and this "
                        + "request needs " + requested + " more")
                .with("quota", quota).with("scope", v.scope()).with("name", v.name()).with("limit", limit)
                .with("used", used).with("requested", requested).with("exceededBy", by));
    }

    private static Uni<QuotaView> view(SqlClient client, Scope scope, String name) {
        Uni<Row> limits = client.preparedQuery("SELECT max_labs, max_running_nodes, max_nodes, updated_by, updated_at "
                        + "FROM quota WHERE scope = $1 AND name = $2").execute(Tuple.of(scope.wire(), name))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
        Uni<Row> usage = (scope == Scope.OWNER
                ? client.preparedQuery(OWNER_USAGE).execute(Tuple.of(name))
                : client.preparedQuery(GROUP_USAGE).execute(Tuple.of(name, LabAccess.GROUP_TAG + name)))
                .map(rows -> rows.iterator().next());
        return limits.chain(l -> usage.map(u -> new QuotaView(scope.wire(), name,
                l == null ? null : l.getInteger("max_labs"), l == null ? null : l.getInteger("max_running_nodes"),
                l == null ? null : l.getInteger("max_nodes"),
                new QuotaView.Usage(u.getLong("labs"), u.getLong("nodes"), u.getLong("running")),
                l == null ? null : l.getString("updated_by"),
                l == null ? null : l.getOffsetDateTime("updated_at"))));
    }
}
