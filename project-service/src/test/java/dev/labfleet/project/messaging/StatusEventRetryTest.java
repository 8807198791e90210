package dev.labfleet.project.messaging;

import dev.labfleet.common.testing.TestTopics;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventSerializer;
import dev.labfleet.project.support.GatewayStandIn;
import dev.labfleet.support.messaging.ConsumerDrain;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A GNS3 status event that cannot be written for a while (here: a trigger refusing updates of the lab's row, as the
 * database being away would) is not acknowledged and dropped after a few quick retries: it is recorded once the
 * database accepts it again. Meanwhile the event counts as in hand for the shutdown's drain (service-support's
 * ConsumerDrain, every channel's interceptor), which would wait for it; once recorded, nothing is in hand.
 */
@QuarkusTest
@QuarkusTestResource(GatewayStandIn.class)
class StatusEventRetryTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    Pool db;

    @Inject
    ConsumerDrain drain;

    @Test
    void aStatusEventIsRecordedOnceTheDatabaseAcceptsItAgain() throws Exception {
        String id = given().contentType(ContentType.JSON).body(Map.of("name", "retry-" + UUID.randomUUID()))
                .when().post("/api/v1/projects").then().statusCode(201).extract().path("projectId");
        // GNS3's events about a lab count only from the server holding it (a moved lab's old copy must not change it)
        String serverId = given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("serverId");
        String guard = "test_refuse_" + UUID.randomUUID().toString().replace("-", "");
        sql("create function " + guard + "() returns trigger language plpgsql as $$ begin "
                + "if new.id = '" + id + "'::uuid then raise exception 'refused by the test'; end if; "
                + "return new; end $$");
        sql("create trigger " + guard + " before update on project for each row execute function " + guard + "()");
        try {
            try (KafkaProducer<String, CloudEvent> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new CloudEventSerializer())) {
                producer.send(new ProducerRecord<>(TestTopics.of("gns3.events"), id, CloudEvent.of(
                        URI.create("urn:labfleet:gns3-server:" + serverId), "gns3.project.closed", id,
                        JsonNodeFactory.instance.objectNode().put("project_id", id).put("status", "closed")))).get();
            }
            // refused for five seconds: far longer than the old retries (about 1.5 s) lasted
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(10)).until(() -> "opened".equals(status(id)));
            // still retrying: a stop now would wait for it (up to its timeout), not close the channel under it
            assertThat(drain.inFlight()).isPositive();
            assertThat(drain.awaitIdle(Duration.ofMillis(300))).isFalse();
        } finally {
            sql("drop trigger if exists " + guard + " on project");
            sql("drop function if exists " + guard + "()");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "closed".equals(status(id)));
        // acknowledged: nothing left in hand (other tests' events may come and go meanwhile, hence the wait)
        await().atMost(Duration.ofSeconds(30)).until(() -> drain.awaitIdle(Duration.ofMillis(200)));
    }

    private static String status(String id) {
        return given().when().get("/api/v1/projects/" + id).then().statusCode(200).extract().path("status");
    }

    private void sql(String statement) {
        db.query(statement).execute().await().atMost(Duration.ofSeconds(10));
    }
}
