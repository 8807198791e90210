package dev.labfleet.topology.rest;

import dev.labfleet.simulator.LabfleetFacade;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

/** The fleet-wide template catalogue, over the stand-in's one server. */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class TemplateResourceTest {

    @Test
    void theCatalogueListsTheBuiltinsWithTheServerThatHasThem() {
        String server = LabfleetFacade.SERVER_ID.toString();
        given().when().get("/api/v1/templates").then().statusCode(200)
                .body("items.name", hasItems("VPCS", "Ethernet switch", "Ethernet hub", "Cloud"))
                .body("items.find { it.name == 'VPCS' }.template_type", equalTo("vpcs"))
                .body("items.find { it.name == 'VPCS' }.servers", equalTo(List.of(Map.of("server_id", server,
                        "template_id", "19021f99-e36f-394d-b4a1-8aaa902ab9cc"))));
    }

    @Test
    void aServersOwnTemplateJoinsTheCatalogueAndNodesCanBeMadeFromIt() {
        String name = "vRouter-" + UUID.randomUUID().toString().substring(0, 8);
        String templateId = SimLabs.gns3().body(Map.of("name", name, "template_type", "qemu", "compute_id", "local",
                        "adapters", 4))
                .when().post("/v2/templates").then().statusCode(201).extract().path("template_id");
        // the catalogue is cached for a short while: it shows the new template once that has passed
        await().atMost(java.time.Duration.ofSeconds(20)).pollInterval(java.time.Duration.ofMillis(500)).untilAsserted(() ->
                given().when().get("/api/v1/templates").then().statusCode(200)
                        .body("items.find { it.name == '" + name + "' }.servers[0].template_id", equalTo(templateId)));

        String lab = SimLabs.project();
        given().contentType(ContentType.JSON).body(Map.of("name", "R1", "template", name.toUpperCase()))
                .when().post("/api/v1/projects/" + lab + "/nodes").then().statusCode(201)
                .body("template_id", equalTo(templateId)).body("node_type", equalTo("qemu"));
    }
}
