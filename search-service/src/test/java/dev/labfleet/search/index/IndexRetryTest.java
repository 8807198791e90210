package dev.labfleet.search.index;

import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static dev.labfleet.search.support.Events.hits;
import static dev.labfleet.search.support.Events.lab;
import static dev.labfleet.search.support.Events.labEvent;
import static dev.labfleet.search.support.Events.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A batch the index cannot take for a while (here a trigger refusing one lab's document, as the database being away
 * would) is not skipped after a few quick retries: it is indexed once the database accepts it again. Before, the
 * consumer gave up after the writer's six attempts (about 1.5 s), acknowledged the batch and the lab stayed unfound
 * until a reindex.
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class IndexRetryTest {

    /** The writer's own attempts for one batch (one and five retries): the old consumer never went beyond them. */
    private static final int WRITER_ATTEMPTS = 6;

    @Inject
    Pool pool;

    @BeforeEach
    void consumersReady() {
        Events.awaitConsumersReady();
    }

    @Test
    void aBatchRefusedForAWhileIsIndexedOnceTheDatabaseTakesItAgain() {
        String name = "refused-" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String guard = "test_refuse_" + UUID.randomUUID().toString().replace("-", "");
        // every refused attempt draws from a sequence, which a rollback does not undo: the test sees the attempts
        sql("create sequence " + guard + "_attempts");
        sql("create function " + guard + "() returns trigger language plpgsql as $$ begin "
                + "if new.name = '" + name + "' then perform nextval('" + guard + "_attempts'); "
                + "raise exception 'refused by the test'; end if; return new; end $$");
        sql("create trigger " + guard + " before insert or update on search_document for each row execute function "
                + guard + "()");
        try {
            labEvent("lab.project.created", lab(UUID.randomUUID(), name, "opened"), now());
            await("the batch retried beyond the writer's own attempts").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250)).until(() -> attempts(guard) > WRITER_ATTEMPTS + 2);
            assertThat(hits(name)).isZero();
        } finally {
            sql("drop trigger if exists " + guard + " on search_document");
            sql("drop function if exists " + guard + "()");
        }
        await("indexed once the database takes it").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(250)).until(() -> hits(name) == 1);
        sql("drop sequence if exists " + guard + "_attempts");
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
