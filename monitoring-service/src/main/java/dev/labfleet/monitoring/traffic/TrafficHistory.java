package dev.labfleet.monitoring.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEventCodec;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Traffic history. One-second points of the last 15 minutes live in Redis (a capped list per lab: losing them costs
 * history, never state); one-minute points of the last 24 hours in PostgreSQL ({@code monitoring_traffic_minute},
 * one row per link and minute, plus the lab total under the lab's id), written once a minute by the leader.
 */
@ApplicationScoped
public class TrafficHistory {

    private static final Logger LOG = Logger.getLogger(TrafficHistory.class);
    static final int SECONDS_KEPT = 900;

    private final ReactiveRedisDataSource redis;
    private final Pool pool;
    private final String prefix;
    /** minute -> (projectId|linkId) -> [packets, bits, seconds] */
    private final Map<String, double[]> minute = new HashMap<>();
    private long currentMinute = -1;

    public TrafficHistory(ReactiveRedisDataSource redis, Pool pool,
                          @ConfigProperty(name = "labfleet.monitoring.history.key-prefix",
                                  defaultValue = "labfleet:monitoring:") String prefix) {
        this.redis = redis;
        this.pool = pool;
        this.prefix = prefix;
    }

    private String key(String projectId) {
        return prefix + "traffic:1s:" + projectId;
    }

    /** Records one second of a lab; at a new minute, writes the last minute's rows. */
    public Uni<Void> record(TrafficViews.LabSample sample) {
        TrafficViews.LabTrafficView lab = sample.lab();
        ObjectNode point = CloudEventCodec.mapper().createObjectNode();
        point.put("at", lab.at().toInstant().getEpochSecond()).put("pps", lab.pps()).put("bps", lab.bps());
        ObjectNode links = point.putObject("links");
        for (TrafficViews.LinkTrafficView l : sample.links()) {
            links.putObject(l.linkId()).put("pps", l.aToB().pps() + l.bToA().pps())
                    .put("bps", l.aToB().bps() + l.bToA().bps());
        }
        long min = lab.at().toInstant().getEpochSecond() / 60;
        Uni<Void> flush = Uni.createFrom().voidItem();
        synchronized (this) {
            if (currentMinute >= 0 && min != currentMinute) {
                flush = flushMinute(currentMinute, new HashMap<>(minute));
                minute.clear();
            }
            currentMinute = min;
            add(lab.projectId() + "|" + lab.projectId(), lab.pps(), lab.bps());
            for (TrafficViews.LinkTrafficView l : sample.links()) {
                add(lab.projectId() + "|" + l.linkId(), l.aToB().pps() + l.bToA().pps(), l.aToB().bps() + l.bToA().bps());
            }
        }
        String key = key(lab.projectId());
        Uni<Void> second = redis.list(String.class).rpush(key, point.toString())
                .chain(() -> redis.list(String.class).ltrim(key, -SECONDS_KEPT, -1))
                .chain(() -> redis.key().expire(key, 2 * SECONDS_KEPT))
                .replaceWithVoid();
        return Uni.join().all(second, flush).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(e -> LOG.debugf("traffic history not written: %s", e.getMessage()))
                .onFailure().recoverWithNull();
    }

    private void add(String key, double pps, double bps) {
        double[] v = minute.computeIfAbsent(key, k -> new double[3]);
        v[0] += pps;
        v[1] += bps;
        v[2] += 1;
    }

    private Uni<Void> flushMinute(long min, Map<String, double[]> rows) {
        OffsetDateTime at = OffsetDateTime.ofInstant(Instant.ofEpochSecond(min * 60), ZoneOffset.UTC);
        List<Tuple> batch = new ArrayList<>();
        rows.forEach((k, v) -> {
            String[] ids = k.split("\\|");
            // averages over the seconds sampled in that minute
            batch.add(Tuple.of(java.util.UUID.fromString(ids[0]), java.util.UUID.fromString(ids[1]), at,
                    v[0] / v[2], v[1] / v[2]));
        });
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // not an entity (no object is ever loaded from it): its table comes from migration V2
        return pool.preparedQuery("INSERT INTO monitoring_traffic_minute (project_id, object_id, minute, pps, bps) "
                        + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (project_id, object_id, minute) DO UPDATE "
                        + "SET pps = EXCLUDED.pps, bps = EXCLUDED.bps").executeBatch(batch)
                .chain(() -> pool.query("DELETE FROM monitoring_traffic_minute WHERE minute < now() - interval '24 hours'")
                        .execute())
                .replaceWithVoid();
    }

    /** 1 s points (last 15 min, from Redis) of a lab or one of its links. */
    public Uni<List<JsonNode>> seconds(String projectId, String linkId) {
        return redis.list(String.class).lrange(key(projectId), 0, -1).map(items -> {
            List<JsonNode> out = new ArrayList<>();
            for (String item : items) {
                try {
                    JsonNode p = CloudEventCodec.mapper().readTree(item);
                    if (linkId == null) {
                        out.add(CloudEventCodec.mapper().createObjectNode().put("at", p.path("at").asLong())
                                .put("pps", p.path("pps").asDouble()).put("bps", p.path("bps").asDouble()));
                    } else if (p.path("links").has(linkId)) {
                        JsonNode l = p.path("links").get(linkId);
                        out.add(CloudEventCodec.mapper().createObjectNode().put("at", p.path("at").asLong())
                                .put("pps", l.path("pps").asDouble()).put("bps", l.path("bps").asDouble()));
                    }
                } catch (Exception ignored) {
                    // a point written by an older version: skipped
                }
            }
            return out;
        });
    }

    /** 1 min points (last 24 h, from PostgreSQL) of a lab or one of its links. */
    public Uni<List<JsonNode>> minutes(String projectId, String linkId) {
        return pool.preparedQuery("SELECT minute, pps, bps FROM monitoring_traffic_minute WHERE project_id = $1 "
                        + "AND object_id = $2 AND minute >= now() - interval '24 hours' ORDER BY minute")
                .execute(Tuple.of(java.util.UUID.fromString(projectId),
                        java.util.UUID.fromString(linkId == null ? projectId : linkId)))
                .map(rows -> {
                    List<JsonNode> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(CloudEventCodec.mapper().createObjectNode()
                                .put("at", r.getOffsetDateTime("minute").toEpochSecond())
                                .put("pps", r.getDouble("pps")).put("bps", r.getDouble("bps")));
                    }
                    return out;
                });
    }
}
