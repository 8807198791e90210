package dev.labfleet.monitoring.traffic;

import dev.labfleet.monitoring.support.Labs;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import dev.labfleet.monitoring.support.PingLab;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Captures this service started never outlive it: a capture left by a replica that died (its lease no longer renewed)
 * is stopped by the leader once the lease expired, while a capture whose lease another live replica still renews is
 * left alone; and the shutdown path stops every capture this replica started and drops their leases.
 */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class CaptureCleanupTest {

    @Inject
    Pool pool;

    @Inject
    CaptureManager captures;

    @Inject
    Scheduler scheduler;

    @BeforeEach
    void synced() {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                given().get("/api/v1/monitoring/fleet").then().extract().<Boolean>path("synced"));
    }

    private static boolean capturing(String projectId, String linkId) {
        return Boolean.TRUE.equals(Labs.gns3().get("/v2/projects/" + projectId + "/links/" + linkId).then()
                .extract().path("capturing"));
    }

    private void lease(String linkId, String projectId, String owner, OffsetDateTime expiresAt) {
        pool.preparedQuery("INSERT INTO monitoring_capture (link_id, project_id, server_id, owner, started_at, expires_at)"
                        + " VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.from(new Object[]{UUID.fromString(linkId), UUID.fromString(projectId),
                        MonitoringStandIn.SERVER_ID, owner, expiresAt.minusMinutes(5), expiresAt}))
                .await().atMost(Duration.ofSeconds(10));
    }

    private long leases(String linkId) {
        return pool.preparedQuery("SELECT count(*) FROM monitoring_capture WHERE link_id = $1")
                .execute(Tuple.of(UUID.fromString(linkId))).await().atMost(Duration.ofSeconds(10)).iterator().next()
                .getLong(0);
    }

    @Test
    void aCaptureLeftByACrashedReplicaIsStoppedOnceItsLeaseExpiredAndALiveReplicasIsNot() {
        String p = Labs.project();
        String a = Labs.vpcs(p, "A");
        String b = Labs.vpcs(p, "B");
        String c = Labs.vpcs(p, "C");
        String d = Labs.vpcs(p, "D");
        String orphan = Labs.link(p, a, 0, b, 0);
        String alive = Labs.link(p, c, 0, d, 0);
        // two replicas started a capture each (their lease written first, as CaptureManager does); one of them died a
        // while ago (its lease expired), the other still renews its lease
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        lease(orphan, p, "replica-that-crashed", now.minusSeconds(30));
        lease(alive, p, "replica-still-alive", now.plusMinutes(10));
        Labs.gns3().body("{}").post("/v2/projects/" + p + "/links/" + orphan + "/start_capture").then().statusCode(201);
        Labs.gns3().body("{}").post("/v2/projects/" + p + "/links/" + alive + "/start_capture").then().statusCode(201);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> !capturing(p, orphan) && leases(orphan) == 0);
            // the live replica's capture and lease stay (several planning rounds: capture.interval is 1 s in tests)
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> capturing(p, alive) && leases(alive) == 1);
        } finally {
            pool.preparedQuery("DELETE FROM monitoring_capture WHERE link_id = $1").execute(Tuple.of(UUID.fromString(alive)))
                    .await().atMost(Duration.ofSeconds(10));
            Labs.gns3().body("{}").post("/v2/projects/" + p + "/links/" + alive + "/stop_capture");
        }
    }

    @Test
    void theShutdownPathStopsEveryCaptureThisReplicaStartedAndDropsItsLeases() throws Throwable {
        PingLab lab = new PingLab();
        lab.select(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> capturing(lab.projectId, lab.link1)
                && capturing(lab.projectId, lab.link2) && capturing(lab.projectId, lab.link3)
                && leases(lab.link1) == 1 && leases(lab.link2) == 1 && leases(lab.link3) == 1);
        // what the ShutdownEvent observer (LeaderLoop.onStop) runs, with the leader's loop held still so that it
        // cannot start the captures again meanwhile (its ticks are skipped while paused; one under way finishes)
        scheduler.pause();
        try {
            AtomicInteger starts = new AtomicInteger(MonitoringStandIn.captureStarts());
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(20))
                    .until(() -> starts.getAndSet(MonitoringStandIn.captureStarts()) == MonitoringStandIn.captureStarts());
            VertxContextSupport.subscribeAndAwait(() -> captures.stopAll(true));
            assertThat(capturing(lab.projectId, lab.link1)).isFalse();
            assertThat(capturing(lab.projectId, lab.link2)).isFalse();
            assertThat(capturing(lab.projectId, lab.link3)).isFalse();
            assertThat(leases(lab.link1) + leases(lab.link2) + leases(lab.link3)).isZero();
            assertThat(captures.readerCount()).isZero();
        } finally {
            lab.unselect();
            scheduler.resume();
        }
    }
}
