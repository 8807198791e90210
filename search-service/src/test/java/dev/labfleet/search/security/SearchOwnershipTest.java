package dev.labfleet.search.security;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.search.messaging.IndexingConsumer;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ownership in search (docs/security.md), with real tokens: an operator finds what belongs to labs it owns or that are
 * labelled with one of its groups, never another group's labs or their nodes (hits, totals and facets alike), in the
 * REST search, its type-ahead and the GraphQL lists alike; an admin finds everything. The search history's most
 * frequent queries are the caller's own unless the caller is an admin.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(SourcesStandIn.class)
class SearchOwnershipTest {

    @Inject
    IndexingConsumer indexing;

    @Inject
    dev.labfleet.search.cache.DashboardCache dashboards;

    private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private static CloudEvent lab(UUID projectId, String name, String owner, String... tags) {
        ObjectNode lab = Events.lab(projectId, name, "opened", tags).put("owner", owner);
        return Events.event("/labfleet/project-service", "lab.project.created", projectId.toString(), lab, Events.now());
    }

    private static CloudEvent node(UUID projectId, String name) {
        ObjectNode node = Events.gns3Node(projectId, UUID.randomUUID(), name, "vpcs", "stopped");
        node.putObject("labels");
        return Events.event("/labfleet/topology-service", "lab.topology.node-created", node.get("node_id").asText(),
                node, Events.now());
    }

    private Response search(String token, String q) {
        return given().header("Authorization", "Bearer " + token).queryParam("q", q).queryParam("facets", "kind")
                .when().get("/api/v1/search");
    }

    private static List<String> suggest(String token, String q) {
        return given().header("Authorization", "Bearer " + token).queryParam("q", q)
                .when().get("/api/v1/search/suggest").then().statusCode(200).extract().jsonPath()
                .getList("suggestions.text", String.class);
    }

    private static io.restassured.path.json.JsonPath graphql(String token, String query) {
        return given().header("Authorization", "Bearer " + token).contentType("application/json")
                .body(java.util.Map.of("query", query)).when().post("/graphql")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void anOperatorFindsItsOwnAndItsGroupsLabsOnly() {
        UUID ccna = UUID.randomUUID();
        UUID ospf = UUID.randomUUID();
        UUID own = UUID.randomUUID();
        String word = "owned" + run;
        indexing.index(List.of(
                lab(ccna, word + "ccna", "alice-" + run, "group:ccna-" + run),
                lab(ospf, word + "ospf", "bob-" + run, "group:ospf-" + run),
                lab(own, word + "own", "carol-" + run),
                node(ccna, word + "r1"), node(ospf, word + "r2"), node(own, word + "r3")))
                .await().atMost(Duration.ofSeconds(60));

        String carol = TestIssuer.operator("carol-" + run, "ccna-" + run);
        Response found = search(carol, word);
        found.then().statusCode(200);
        assertThat(found.jsonPath().getList("items.name", String.class))
                .containsExactlyInAnyOrder(word + "ccna", word + "own", word + "r1", word + "r3");
        assertThat(found.jsonPath().getLong("total")).isEqualTo(4);
        assertThat(found.jsonPath().getLong("facets.kind.lab")).isEqualTo(2);

        String dave = TestIssuer.viewer("dave-" + run, "bgp-" + run);
        assertThat(search(dave, word).jsonPath().getList("items", Object.class)).isEmpty();

        String admin = TestIssuer.admin("ada-" + run);
        assertThat(search(admin, word).jsonPath().getList("items.name", String.class)).hasSize(6);

        // the type-ahead offers the same names and no others (of this run's: names of earlier runs may look alike)
        assertThat(suggest(carol, word)).filteredOn(n -> n.startsWith(word))
                .containsExactlyInAnyOrder(word + "ccna", word + "own", word + "r1", word + "r3");
        assertThat(suggest(dave, word)).noneMatch(n -> n.startsWith(word));
        assertThat(suggest(admin, word)).contains(word + "ccna", word + "ospf", word + "own", word + "r1",
                word + "r2", word + "r3");

        // GraphQL: the typed lists, one lab by id and a lab's relations follow the same rule
        String lists = "{ labs(q: \"" + word + "\") { items { name } } nodes(q: \"" + word + "\") { items { name lab { name } } }"
                + " other: lab(projectId: \"" + ospf + "\") { name } mine: lab(projectId: \"" + ccna + "\") { name nodes { items { name } } }"
                + " search(q: \"" + word + "\", facets: [\"kind\"]) { total } }";
        io.restassured.path.json.JsonPath asCarol = graphql(carol, lists);
        assertThat(asCarol.getList("errors", Object.class)).as(asCarol.prettify()).isNullOrEmpty();
        assertThat(asCarol.getList("data.labs.items.name", String.class))
                .containsExactlyInAnyOrder(word + "ccna", word + "own");
        assertThat(asCarol.getList("data.nodes.items.name", String.class))
                .containsExactlyInAnyOrder(word + "r1", word + "r3");
        assertThat(asCarol.getString("data.other")).isNull();
        assertThat(asCarol.getString("data.mine.name")).isEqualTo(word + "ccna");
        assertThat(asCarol.getList("data.mine.nodes.items.name", String.class)).containsExactly(word + "r1");
        assertThat(asCarol.getLong("data.search.total")).isEqualTo(4);
        io.restassured.path.json.JsonPath asDave = graphql(dave, lists);
        assertThat(asDave.getList("data.labs.items", Object.class)).isEmpty();
        assertThat(asDave.getList("data.nodes.items", Object.class)).isEmpty();
        assertThat(asDave.getString("data.mine")).isNull();
        io.restassured.path.json.JsonPath asAdmin = graphql(admin, lists);
        assertThat(asAdmin.getList("data.labs.items.name", String.class)).hasSize(3);
        assertThat(asAdmin.getList("data.nodes.items.name", String.class)).hasSize(3);
        assertThat(asAdmin.getString("data.other.name")).isEqualTo(word + "ospf");
    }

    @Test
    void theMostFrequentQueriesAreTheCallersOwnUnlessAnAdminAsks() {
        String erin = TestIssuer.operator("erin-" + run, "ccna-" + run);
        String frank = TestIssuer.operator("frank-" + run, "ospf-" + run);
        String erinsQuery = "erinsquery" + run;
        String franksQuery = "franksecretlab" + run;
        search(erin, erinsQuery).then().statusCode(200);
        search(frank, franksQuery).then().statusCode(200);
        search(frank, franksQuery).then().statusCode(200);

        io.restassured.path.json.JsonPath mine = given().header("Authorization", "Bearer " + erin)
                .when().get("/api/v1/search/history").then().statusCode(200).extract().jsonPath();
        assertThat(mine.getString("user")).isEqualTo("erin-" + run);
        assertThat(mine.getList("recent.query", String.class)).containsExactly(erinsQuery);
        assertThat(mine.getList("popular.query", String.class)).containsExactly(erinsQuery);

        io.restassured.path.json.JsonPath all = given().header("Authorization", "Bearer " + TestIssuer.admin("ada-" + run))
                .when().get("/api/v1/search/history").then().statusCode(200).extract().jsonPath();
        // fleet-wide: the top 10 of everybody's queries of the last 7 days (earlier runs' too, so this run's may rank
        // below them); this admin has searched nothing, so a non-empty list is other users' queries
        assertThat(all.getList("recent", Object.class)).isEmpty();
        assertThat(all.getList("popular.query", String.class)).isNotEmpty();
    }

    @Test
    void theDashboardsListOfBusiestLinksShowsOnlyTheCallersLabs() {
        UUID alices = UUID.randomUUID();
        UUID bobs = UUID.randomUUID();
        indexing.index(List.of(lab(alices, "busy" + run + "a", "alice-" + run),
                lab(bobs, "busy" + run + "b", "bob-" + run, "group:ospf-" + run)))
                .await().atMost(Duration.ofSeconds(60));
        dev.labfleet.search.support.SourcesStandIn.put("monitoring", "/api/v1/monitoring/traffic/links/top",
                "[{\"linkId\":\"l1\",\"projectId\":\"" + bobs + "\",\"labName\":\"b\",\"bps\":9000.0},"
                        + "{\"linkId\":\"l2\",\"projectId\":\"" + alices + "\",\"labName\":\"a\",\"bps\":800.0}]");
        dashboards.evict("network").await().atMost(Duration.ofSeconds(10));

        java.util.function.Function<String, List<String>> links = token -> given()
                .header("Authorization", "Bearer " + token).when().get("/api/v1/dashboards/network")
                .then().statusCode(200).extract().jsonPath().getList("sections.busiestLinks.data.linkId", String.class);
        // the dashboard is computed once for everyone; each reader sees the links of the labs it may see
        assertThat(links.apply(TestIssuer.operator("alice-" + run))).containsExactly("l2");
        assertThat(links.apply(TestIssuer.viewer("olga-" + run, "ospf-" + run))).containsExactly("l1");
        assertThat(links.apply(TestIssuer.operator("mallory-" + run))).isEmpty();
        assertThat(links.apply(TestIssuer.admin("ada-" + run))).containsExactly("l1", "l2");
    }
}
