package dev.labfleet.project.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

/**
 * Ownership and groups (docs/security.md) with real tokens: a lab is its creator's; a lab tagged group:<g> is also
 * seen by group g's viewers and changed by its operators; nobody else sees it in lists or reads or changes it (403
 * problems); an admin does everything; the recorded name is the token's, never the X-Labfleet-User header's.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class LabOwnershipTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    private String create(String token, String name, List<String> tags) {
        return as(token).body(Map.of("name", name + "-" + run, "tags", tags)).post("/api/v1/projects")
                .then().statusCode(201).extract().path("projectId");
    }

    @Test
    void ownersAndGroupsDecideWhoSeesAndChangesALab() {
        String alice = TestIssuer.operator("alice-" + run, "ccna-" + run);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String carol = TestIssuer.operator("carol-" + run, "ccna-" + run);
        String vera = TestIssuer.viewer("vera-" + run, "ccna-" + run);
        String admin = TestIssuer.admin("ada-" + run);

        String own = create(alice, "own", List.of());
        String shared = create(alice, "shared", List.of("group:ccna-" + run));
        String other = create(bob, "other", List.of("group:ospf-" + run));
        as(alice).get("/api/v1/projects/" + own + "?counts=false").then().statusCode(200)
                .body("owner", equalTo("alice-" + run));

        // only an admin names another owner
        as(alice).body(Map.of("name", "for-bob-" + run, "owner", "bob-" + run)).post("/api/v1/projects").then()
                .statusCode(403).contentType("application/problem+json").body("detail", containsString("admin"));

        // carol (ccna) changes the ccna lab, neither alice's own nor bob's
        as(carol).body(Map.of("description", "carol was here")).put("/api/v1/projects/" + shared).then().statusCode(200);
        as(carol).body(Map.of("description", "no")).put("/api/v1/projects/" + own).then().statusCode(403)
                .contentType("application/problem+json");
        as(carol).get("/api/v1/projects/" + other + "?counts=false").then().statusCode(403)
                .contentType("application/problem+json");
        as(carol).delete("/api/v1/projects/" + other).then().statusCode(403);
        as(carol).get("/api/v1/projects?limit=200").then().statusCode(200)
                .body("items.projectId", hasItem(shared)).body("items.projectId", not(hasItem(own)))
                .body("items.projectId", not(hasItem(other)));

        // vera (viewer of ccna) reads the ccna lab, changes nothing
        as(vera).get("/api/v1/projects/" + shared + "?counts=false").then().statusCode(200);
        as(vera).get("/api/v1/projects/" + own + "?counts=false").then().statusCode(403);
        as(vera).body(Map.of("description", "no")).put("/api/v1/projects/" + shared).then().statusCode(403);

        // the recorded name is the token's, whatever the header says
        as(carol).header("X-Labfleet-User", "mallory").body(Map.of("name", "snap-" + run))
                .post("/api/v1/projects/" + shared + "/snapshots").then().statusCode(201)
                .body("createdBy", equalTo("carol-" + run));

        // an admin sees and deletes everything
        as(admin).get("/api/v1/projects?limit=200").then().statusCode(200)
                .body("items.projectId", hasItems(own, shared, other));
        for (String id : List.of(own, shared, other)) {
            as(admin).delete("/api/v1/projects/" + id).then().statusCode(204);
        }
    }
}
