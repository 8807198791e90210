package dev.labfleet.topology.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.topology.support.LabStandIn;
import dev.labfleet.topology.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

/**
 * Ownership in topology-service with real tokens (docs/security.md): project-service (here the facade, which says
 * who owns a lab as project-service would) owns the data; an operator changes only labs it owns or labelled with one
 * of its groups, a viewer of the group reads them, nobody else reads or changes them (403 problems), an admin does
 * everything, and a lab project-service does not know is a 404.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(LabStandIn.class)
class LabOwnershipTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private static String nodes(String lab) {
        return "/api/v1/projects/" + lab + "/nodes";
    }

    @Test
    void onlyTheOwnerItsGroupsAndAdminsReachALabsTopology() {
        String alice = TestIssuer.operator("alice-" + run);
        String carol = TestIssuer.operator("carol-" + run, "ccna-" + run);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String vera = TestIssuer.viewer("vera-" + run, "ccna-" + run);
        String admin = TestIssuer.admin("ada-" + run);
        String lab = SimLabs.project();
        LabStandIn.facade().own(lab, "alice-" + run, List.of("group:ccna-" + run, "course"));

        // the owner and an operator of the lab's group change it
        String pc = as(alice).body(Map.of("name", "PC1", "node_type", "vpcs")).post(nodes(lab))
                .then().statusCode(201).extract().path("node_id");
        as(carol).body(Map.of("name", "PC2", "node_type", "vpcs")).post(nodes(lab)).then().statusCode(201);
        as(carol).get(nodes(lab) + "/" + pc).then().statusCode(200).body("name", equalTo("PC1"));

        // another group's operator neither reads nor changes it
        as(bob).get(nodes(lab)).then().statusCode(403).contentType("application/problem+json")
                .body("type", endsWith("/forbidden")).body("detail", containsString(lab));
        as(bob).body(Map.of("name", "X")).put(nodes(lab) + "/" + pc).then().statusCode(403)
                .contentType("application/problem+json");
        as(bob).delete(nodes(lab) + "/" + pc).then().statusCode(403);
        as(bob).get("/api/v1/projects/" + lab + "/links").then().statusCode(403);
        as(bob).get("/api/v1/projects/" + lab + "/topology").then().statusCode(403);

        // a viewer of the group reads it; changes are refused for the role
        as(vera).get(nodes(lab)).then().statusCode(200);
        as(vera).delete(nodes(lab) + "/" + pc).then().statusCode(403);

        // an admin does everything
        as(admin).get(nodes(lab)).then().statusCode(200);

        // a lab project-service does not know: 404 to a non-admin, and a viewer's change is refused for its role
        // before any lookup (the role check runs first)
        String unknown = UUID.randomUUID().toString();
        as(bob).get(nodes(unknown)).then().statusCode(404).contentType("application/problem+json");
        as(vera).body(Map.of("name", "PC3", "node_type", "vpcs")).post(nodes(unknown)).then().statusCode(403);

        // the ownership lookup asks as the suite's service account (topology-service's own reads of the lab forward
        // the caller's token, so those are there too)
        List<String> callers = List.of(alice, bob, carol, vera, admin);
        assertThat(LabStandIn.facade().projectLookups()).anySatisfy(header -> assertThat(header).startsWith("Bearer ")
                .satisfies(h -> assertThat(callers).noneMatch(h::contains)));

        // once the lab's groups change, within the cache's TTL (10 s) carol loses it
        LabStandIn.facade().own(lab, "alice-" + run, List.of());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofSeconds(1))
                .until(() -> as(carol).get(nodes(lab)).statusCode() == 403);
        as(alice).get(nodes(lab)).then().statusCode(200);
    }
}
