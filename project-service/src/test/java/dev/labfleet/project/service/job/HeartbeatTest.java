package dev.labfleet.project.service.job;

import dev.labfleet.project.service.OperationService;
import dev.labfleet.project.support.GatewayStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeat (every second in tests) tells a job taken by another replica from one this replica has just finished:
 * ReplicaIT's logs showed operations that had SUCCEEDED reported a moment later as "no longer this replica's" and
 * "left to another replica", because the beat ran between the finishing write and the end of the work.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class HeartbeatTest {

    @Inject
    JobRunner jobs;

    @Inject
    Pool pool;

    private UUID operation(String owner) {
        String projectId = given().contentType(ContentType.JSON).body(Map.of("name", "beat-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        UUID id = UUID.randomUUID();
        sql("insert into operation (id, project_id, kind, status, batch_size, delay_ms, stop_on_first_error, total, "
                + "done, failed, skipped, created_at, heartbeat_at, owner, lease_until, attempts) values ($1, $2, "
                + "'START', 'RUNNING', 1, 0, false, 0, 0, 0, 0, now(), now(), $3, now() + interval '1 hour', 1)",
                Tuple.of(id, UUID.fromString(projectId), owner));
        return id;
    }

    private void sql(String sql, Tuple args) {
        pool.preparedQuery(sql).execute(args).await().atMost(Duration.ofSeconds(10));
    }

    /** Holds {@code lease} while its work waits for the returned future. */
    private CompletableFuture<Void> hold(JobLease lease) {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        jobs.hold(lease, Uni.createFrom().completionStage(gate)).subscribe().with(ignored -> { }, e -> { });
        return gate;
    }

    @Test
    void aJobThisReplicaFinishedIsNotTakenButOneAnotherReplicaHoldsIs() {
        UUID finished = operation(jobs.replica());
        UUID taken = operation(jobs.replica());
        JobLease finishedLease = new JobLease(OperationService.JOBS, finished, jobs.replica(), 1);
        JobLease takenLease = new JobLease(OperationService.JOBS, taken, jobs.replica(), 1);
        CompletableFuture<Void> finishedWork = hold(finishedLease);
        CompletableFuture<Void> takenWork = hold(takenLease);
        try {
            // as OperationService.finish leaves a job before its work has ended
            sql("update operation set status = 'SUCCEEDED', owner = null, lease_until = null, finished_at = now() "
                    + "where id = $1", Tuple.of(finished));
            // as a replica that claimed the job after this one's lease ran out
            sql("update operation set owner = 'project-other' where id = $1", Tuple.of(taken));

            await("the taken job's lease marked lost").atMost(Duration.ofSeconds(10)).until(takenLease::lost);
            await("beats on the finished job").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(finishedLease::active);
            assertThat(finishedLease.lost()).isFalse();
        } finally {
            finishedWork.complete(null);
            takenWork.complete(null);
            sql("update operation set status = 'FAILED', owner = null where id = $1", Tuple.of(taken));
        }
    }
}
