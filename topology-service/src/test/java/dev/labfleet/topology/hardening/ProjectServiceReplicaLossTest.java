package dev.labfleet.topology.hardening;

import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * A project-service replica that dies while topology-service reads a lab from it closes the connection before any
 * answer (ReplicaIT met it through the edge: an apply answered 503 "connection closed before the answer"). The lab
 * read is a GET, so topology-service sends it again and the change goes on; when project-service never answers, the
 * caller gets a fast 503 problem that says so.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class ProjectServiceReplicaLossTest {

    @AfterEach
    void noMoreDrops() {
        LabStandIn.facade().dropProjectLookups(0);
    }

    @Test
    void aLabReadWhoseConnectionClosedBeforeTheAnswerIsSentAgainAndTheNodeIsCreated() {
        String lab = SimLabs.project();
        int before = LabStandIn.facade().projectLookups().size();
        LabStandIn.facade().dropProjectLookups(1);

        given().contentType(ContentType.JSON).body(Map.of("name", "PC1", "template", "VPCS"))
                .when().post("/api/v1/projects/" + lab + "/nodes")
                .then().statusCode(201).body("name", equalTo("PC1"));

        assertThat(LabStandIn.facade().projectLookups().size() - before).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aProjectServiceThatNeverAnswersIsA503ProblemNamingIt() {
        String lab = SimLabs.project();
        LabStandIn.facade().dropProjectLookups(100);

        given().contentType(ContentType.JSON).body(Map.of("name", "PC1", "template", "VPCS"))
                .when().post("/api/v1/projects/" + lab + "/nodes")
                .then().statusCode(503).contentType("application/problem+json")
                .body("detail", equalTo("read lab: project-service cannot be reached (connection closed before the answer)"));
    }
}
