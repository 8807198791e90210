package dev.labfleet.search.index;

import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.search.support.Events.gns3;
import static dev.labfleet.search.support.Events.gns3Node;
import static dev.labfleet.search.support.Events.lab;
import static dev.labfleet.search.support.Events.labEvent;
import static dev.labfleet.search.support.Events.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Indexing and querying split a name the same way ({@link Terms}). PostgreSQL's parser, which built the index until
 * migration V4, split {@code 88e7bd5be9} into the number {@code 88e7} and the word {@code bd5be9} (and {@code 10e3x}
 * into {@code 10e3} and {@code x}) while the query looked the whole term up: such names, a lab's random hex suffix
 * among them, were never found (and tests naming things with random hex flaked).
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class NameTermsTest {

    @BeforeEach
    void consumersReady() {
        Events.awaitConsumersReady();
    }

    @Test
    void hexLikeAndPlainNamesAreFoundByTheirFullNameAndByAPrefix() {
        UUID projectId = UUID.randomUUID();
        labEvent("lab.project.created", lab(projectId, "lab-88e7bd5be9", "opened"), now());
        for (String node : List.of("r1e5", "10e3x", "sw-1e10", "router")) {
            gns3("node.created", projectId, gns3Node(projectId, UUID.randomUUID(), node, "qemu", "stopped"), now());
        }
        // indexed: the lab and its four nodes, found without words (whatever the words' terms)
        await("the lab and its nodes indexed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> names(projectId, null).size() == 5);

        // query -> the one name it finds in this lab
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("lab-88e7bd5be9", "lab-88e7bd5be9");
        expected.put("88e7bd5be9", "lab-88e7bd5be9");
        expected.put("lab-88e7bd", "lab-88e7bd5be9");
        expected.put("88e7b", "lab-88e7bd5be9");
        expected.put("\"lab-88e7bd5be9\"", "lab-88e7bd5be9");
        expected.put("name:88e7bd5be9", "lab-88e7bd5be9");
        expected.put("r1e5", "r1e5");
        expected.put("R1E", "r1e5");
        expected.put("10e3x", "10e3x");
        expected.put("10e3", "10e3x");
        expected.put("sw-1e10", "sw-1e10");
        expected.put("1e1", "sw-1e10");
        expected.put("router", "router");
        expected.put("rou", "router");
        expected.forEach((q, name) -> assertThat(names(projectId, q)).as("q=%s", q).containsExactly(name));
        // and a whole term is not a prefix of something longer that the parser would have made of it
        assertThat(names(projectId, "88e7bd5be9x")).as("q=88e7bd5be9x").isEmpty();
        assertThat(names(projectId, "10e3 -10e3x")).as("q=10e3 -10e3x").isEmpty();
    }

    private static List<String> names(UUID projectId, String q) {
        var request = RestAssured.given().queryParam("projectId", projectId.toString()).queryParam("facets", "none")
                .queryParam("sort", "name");
        if (q != null) {
            request.queryParam("q", q);
        }
        return request.get("/api/v1/search").then().statusCode(200).extract().jsonPath().getList("items.name",
                String.class);
    }
}
