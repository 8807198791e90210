package dev.labfleet.search.rest;

import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every bad input is a 400 problem naming the parameter, never a 5xx and never database text. */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class BadInputTest {

    private static void refused(Map<String, ?> params, String field) {
        Response response = RestAssured.given().queryParams(params).get("/api/v1/search");
        String what = params.toString().length() > 80 ? params.toString().substring(0, 80) + "..." : params.toString();
        assertThat(response.statusCode()).as(what).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        String body = response.asString();
        assertThat(response.jsonPath().getString("detail")).as(what).startsWith(field + ":");
        for (String leak : List.of("SQL", "syntax error", "tsquery", "Exception", "PgException", "postgres", "at dev.")) {
            assertThat(body).as(what).doesNotContainIgnoringCase(leak);
        }
    }

    @Test
    void unknownKindsAndFacets() {
        refused(Map.of("q", "r1", "kind", "router"), "kind");
        refused(Map.of("q", "r1", "kind", "node,bogus"), "kind");
        refused(Map.of("q", "r1 kind:bogus"), "q");
        refused(Map.of("q", "r1", "facets", "kind,colour"), "facets");
        refused(Map.of("q", "r1 colour:red"), "q");
        refused(Map.of("q", "r1", "sort", "random"), "sort");
    }

    @Test
    void malformedCursorsAndLimits() {
        refused(Map.of("q", "r1", "cursor", "not-a-cursor!"), "cursor");
        refused(Map.of("q", "r1", "cursor", java.util.Base64.getUrlEncoder().encodeToString("v1:garbage".getBytes())),
                "cursor");
        refused(Map.of("q", "r1", "cursor", java.util.Base64.getUrlEncoder().encodeToString("v1:name|x|y".getBytes())),
                "cursor"); // made for another sort
        refused(Map.of("q", "r1", "sort", "newest",
                "cursor", java.util.Base64.getUrlEncoder().encodeToString("v1:newest|12x|node:1".getBytes())), "cursor");
        refused(Map.of("q", "r1", "limit", 0), "limit");
        refused(Map.of("q", "r1", "limit", 100_000), "limit");
        refused(Map.of("q", "r1", "serverId", "nope"), "serverId");
        refused(Map.of("q", "r1", "from", "yesterday"), "from");
        refused(Map.of("q", "r1 server:nope"), "q");
    }

    @Test
    void hugeQueries() {
        refused(Map.of("q", "a".repeat(10_000)), "q");
        refused(Map.of("q", "a ".repeat(100)), "q");
    }

    @Test
    void sqlAndTsqueryMetacharacters() {
        for (String q : List.of("r1'", "'; DROP TABLE search_document; --", "r1\\", "a & b", "a | b", "!a", "(a)",
                "a:*", "a <-> b", "\"unclosed", "&|!():*", "r1 \u0000")) {
            refused(Map.of("q", q), "q");
        }
        RestAssured.given().queryParam("q", "x").get("/api/v1/search/suggest").then().statusCode(200);
        for (String q : List.of("r1'", "%_\\", "'); --")) {
            RestAssured.given().queryParam("q", q).get("/api/v1/search/suggest").then().statusCode(200);
        }
        RestAssured.given().queryParam("q", "a".repeat(10_000)).get("/api/v1/search/suggest").then().statusCode(400);
    }

    @Test
    void aQuestionWithoutWordsOrAUserNameTooLong() {
        refused(Map.of("q", "- \"\""), "q");
        RestAssured.given().header("X-Labfleet-User", "u".repeat(500)).queryParam("q", "r1").get("/api/v1/search")
                .then().statusCode(400);
    }
}
