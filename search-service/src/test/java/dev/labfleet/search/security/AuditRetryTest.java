package dev.labfleet.search.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static org.awaitility.Awaitility.await;

/**
 * An audit batch the database refuses for a while (here a trigger refusing one principal's rows, as the database
 * being away would) is retried in place until it is stored. Before, the consumer gave up after five quick retries,
 * acknowledged the batch and the audit record was gone for good.
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class AuditRetryTest {

    /** The old consumer's attempts for one batch (one and five retries). */
    private static final int OLD_ATTEMPTS = 6;

    @Inject
    Pool pool;

    @Test
    void anAuditBatchRefusedForAWhileIsStoredOnceTheDatabaseTakesItAgain() {
        String principal = "refused-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String guard = "test_refuse_" + UUID.randomUUID().toString().replace("-", "");
        ObjectNode data = CloudEventCodec.mapper().createObjectNode().put("service", "topology-service")
                .put("principal", principal).put("method", "DELETE").put("path", "/api/v1/projects/x/topology")
                .put("status", 403).put("address", "192.0.2.7");
        CloudEvent audit = Events.event("/labfleet/topology-service", "lab.audit.request-recorded", principal, data,
                Events.now());
        // every refused attempt draws from a sequence, which a rollback does not undo: the test sees the attempts
        sql("create sequence " + guard + "_attempts");
        sql("create function " + guard + "() returns trigger language plpgsql as $$ begin "
                + "if new.principal = '" + principal + "' then perform nextval('" + guard + "_attempts'); "
                + "raise exception 'refused by the test'; end if; return new; end $$");
        sql("create trigger " + guard + " before insert on security_audit for each row execute function " + guard + "()");
        try {
            // the same event (one id) until the consumer, a group of this run reading from the latest offset, has it
            long[] sent = {0};
            await("the audit batch refused beyond the old consumer's attempts").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250)).until(() -> {
                        if (attempts(guard) == 0 && System.nanoTime() - sent[0] > Duration.ofSeconds(3).toNanos()) {
                            Events.send(Topics.LAB_AUDIT, principal, audit);
                            sent[0] = System.nanoTime();
                        }
                        return attempts(guard) > OLD_ATTEMPTS + 2;
                    });
        } finally {
            sql("drop trigger if exists " + guard + " on security_audit");
            sql("drop function if exists " + guard + "()");
        }
        await("stored once the database takes it").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> stored(principal) == 1);
        sql("drop sequence if exists " + guard + "_attempts");
    }

    private long stored(String principal) {
        return pool.preparedQuery("select count(*) as n from security_audit where principal = $1")
                .execute(Tuple.of(principal)).await().atMost(Duration.ofSeconds(10)).iterator().next().getLong("n");
    }

    private long attempts(String guard) {
        Row row = pool.query("select last_value, is_called from " + guard + "_attempts").execute()
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        return row.getBoolean("is_called") ? row.getLong("last_value") : 0;
    }

    private void sql(String statement) {
        pool.query(statement).execute().await().atMost(Duration.ofSeconds(10));
    }
}
