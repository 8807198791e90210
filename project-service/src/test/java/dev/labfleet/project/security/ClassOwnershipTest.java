package dev.labfleet.project.security;

import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Classes and quotas with real tokens: an operator copies only a lab it may change; the copies are the caller's,
 * tagged with the class's group (whose members see them, and whose operators use them) when the caller is in that
 * group; only an admin names other owners; the class is read by its creator, its group and admins, and torn down by
 * its creator or an admin; quotas are set by admins and read by the scope's own user or group members.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class ClassOwnershipTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    @Test
    void classesBelongToTheirCreatorAndGroup() {
        String group = "ccna-" + run;
        String alice = TestIssuer.operator("alice-" + run, group);
        String carol = TestIssuer.operator("carol-" + run, group);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String admin = TestIssuer.admin("ada-" + run);

        String source = as(alice).body(Map.of("name", "src-" + run)).post("/api/v1/projects")
                .then().statusCode(201).extract().path("projectId");

        // bob may not change alice's lab, so he may not copy it: nothing is copied
        as(bob).body(Map.of("count", 2, "namePattern", "bob-{n}-" + run)).post("/api/v1/projects/" + source + "/copies")
                .then().statusCode(403).contentType("application/problem+json");
        // a group alice is not in, and owners (admins only): refused before anything is exported
        as(alice).body(Map.of("count", 2, "namePattern", "x-{n}-" + run, "group", "ospf-" + run))
                .post("/api/v1/projects/" + source + "/copies").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("group"));
        as(alice).body(Map.of("namePattern", "y-{n}-" + run, "owners", List.of("s1-" + run, "s2-" + run)))
                .post("/api/v1/projects/" + source + "/copies").then().statusCode(403)
                .contentType("application/problem+json").body("detail", containsString("admin"));

        String classId = as(alice).body(Map.of("count", 2, "namePattern", "lab-{n}-" + run, "group", group))
                .post("/api/v1/projects/" + source + "/copies").then().statusCode(202).extract().path("classId");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> as(alice)
                .get("/api/v1/classes/" + classId).then().statusCode(200).extract().path("state"), "finished"::equals);
        List<String> copies = as(alice).get("/api/v1/classes/" + classId).then().statusCode(200)
                .body("done", equalTo(2)).body("createdBy", equalTo("alice-" + run))
                .body("copies.owner", everyItem(equalTo("alice-" + run))).extract().path("copies.projectId");

        // the copies are alice's, in the group: carol (same group) sees and changes them, bob sees nothing
        as(carol).get("/api/v1/projects/" + copies.get(0) + "?counts=false").then().statusCode(200)
                .body("owner", equalTo("alice-" + run)).body("tags", hasItem("group:" + group));
        as(carol).body(Map.of("description", "carol's students")).put("/api/v1/projects/" + copies.get(1))
                .then().statusCode(200);
        as(bob).get("/api/v1/projects/" + copies.get(0) + "?counts=false").then().statusCode(403);
        as(carol).get("/api/v1/classes/" + classId).then().statusCode(200);
        as(bob).get("/api/v1/classes/" + classId).then().statusCode(403).contentType("application/problem+json");
        as(bob).get("/api/v1/classes").then().statusCode(200).body("classId", not(hasItem(classId)));
        as(carol).get("/api/v1/classes").then().statusCode(200).body("classId", hasItem(classId));

        // only its creator (or an admin) tears it down or makes its copies again
        as(carol).delete("/api/v1/classes/" + classId).then().statusCode(403).contentType("application/problem+json");
        as(bob).post("/api/v1/classes/" + classId + "/retry").then().statusCode(403);

        // quotas: admins set them; the group's members read the group's
        as(alice).body(Map.of("maxLabs", 100)).put("/api/v1/quotas/group/" + group).then().statusCode(403)
                .contentType("application/problem+json");
        as(admin).body(Map.of("maxLabs", 100)).put("/api/v1/quotas/group/" + group).then().statusCode(200)
                .body("maxLabs", equalTo(100));
        as(carol).get("/api/v1/quotas/group/" + group).then().statusCode(200).body("usage.labs", equalTo(2));
        as(bob).get("/api/v1/quotas/group/" + group).then().statusCode(403).contentType("application/problem+json");
        as(admin).delete("/api/v1/quotas/group/" + group).then().statusCode(204);

        as(alice).delete("/api/v1/classes/" + classId).then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> as(alice)
                .get("/api/v1/classes/" + classId).then().statusCode(200).extract().path("state"), "deleted"::equals);
        for (String copy : copies) {
            as(admin).get("/api/v1/projects?limit=200").then().statusCode(200)
                    .body("items.projectId", not(hasItem(copy)));
        }
        as(alice).delete("/api/v1/projects/" + source).then().statusCode(204);
    }
}
