package dev.labfleet.gateway.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.gateway.support.ProjectsStandIn;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Ownership on the gateway's lab-scoped GNS3 routes ({@code /api/v1/servers/{serverId}/projects/{projectId}/...})
 * with real tokens: project-service (a stand-in here) says who owns a lab; an operator of another group neither reads
 * nor changes its nodes, links or the project itself (403 problems), the owner and the group's operators do, a viewer
 * of the group reads, an admin does everything.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(value = ProjectsStandIn.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(Simulators.class)
class LabOwnershipTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .accept(ContentType.JSON);
    }

    private static Optional<String> registered(String admin) {
        List<Map<String, Object>> servers = as(admin).queryParam("limit", 500).get("/api/v1/servers")
                .then().statusCode(200).extract().path("items");
        return servers.stream().filter(s -> Simulators.a().baseUrl().equals(s.get("url")))
                .map(s -> (String) s.get("id")).findFirst();
    }

    @Test
    void onlyTheOwnerItsGroupsAndAdminsReachALabOnGns3() {
        String admin = TestIssuer.admin("ada-" + run);
        String alice = TestIssuer.operator("alice-" + run, "ccna-" + run);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String vera = TestIssuer.viewer("vera-" + run, "ccna-" + run);
        // simulator A is registered by the startup bootstrap, which runs beside startup, not before it
        String server = await().atMost(Duration.ofSeconds(30)).until(() -> registered(admin), Optional::isPresent)
                .orElseThrow();
        String base = "/api/v1/servers/" + server + "/projects";
        String lab = UUID.randomUUID().toString();
        as(admin).body(Map.of("name", "owned-" + lab, "project_id", lab)).post(base).then().statusCode(201);
        ProjectsStandIn.own(lab, "someone-" + run, List.of("group:ccna-" + run));
        String nodes = base + "/" + lab + "/nodes";

        // an operator of the lab's group changes it, a viewer of the group reads it
        as(alice).body(Map.of("name", "PC1", "node_type", "vpcs", "compute_id", "local")).post(nodes)
                .then().statusCode(201);
        as(vera).get(nodes).then().statusCode(200);
        as(admin).get(nodes).then().statusCode(200);

        // another group's operator: 403 on the project, its nodes and links, reads and changes alike
        as(bob).get(nodes).then().statusCode(403).contentType("application/problem+json")
                .body("type", endsWith("/forbidden")).body("detail", containsString(lab));
        as(bob).get(base + "/" + lab).then().statusCode(403);
        as(bob).get(base + "/" + lab + "/links").then().statusCode(403);
        as(bob).post(base + "/" + lab + "/close").then().statusCode(403);
        as(bob).delete(base + "/" + lab).then().statusCode(403);
        as(bob).body(Map.of("name", "PC2", "node_type", "vpcs", "compute_id", "local")).post(nodes)
                .then().statusCode(403);
        // the lab is still whole
        as(admin).get(nodes).then().statusCode(200).body("name", org.hamcrest.Matchers.contains("PC1"));

        // the server's project list: bob does not see the lab, its group does, an admin sees every GNS3 project
        // (also one no lab records)
        String stray = UUID.randomUUID().toString();
        as(admin).body(Map.of("name", "stray-" + stray, "project_id", stray)).post(base).then().statusCode(201);
        as(bob).get(base).then().statusCode(200).body("project_id", not(hasItem(lab)))
                .body("project_id", not(hasItem(stray)));
        as(vera).get(base).then().statusCode(200).body("project_id", hasItem(lab))
                .body("project_id", not(hasItem(stray)));
        as(admin).get(base).then().statusCode(200).body("project_id", hasItem(lab)).body("project_id", hasItem(stray));
    }
}
