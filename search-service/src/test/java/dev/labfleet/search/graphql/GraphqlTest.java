package dev.labfleet.search.graphql;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.search.messaging.IndexingConsumer;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.search.support.Events.gns3Node;
import static dev.labfleet.search.support.Events.lab;
import static dev.labfleet.search.support.Events.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

/**
 * The read-only GraphQL endpoint over documents written through the indexing path: typed lists with the REST
 * search's filters and cursor pages, relations, search with facets, the depth and size limits (400 problems before
 * anything runs), bad arguments (GraphQL errors naming them, never a Java class), and the published schema.
 */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class GraphqlTest {

    @Inject
    IndexingConsumer indexing;

    @Inject
    GraphqlWarmup warmup;

    @Inject
    io.smallrye.graphql.execution.ExecutionService execution;

    private static String token(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    private void index(List<CloudEvent> events) {
        indexing.index(events).await().atMost(Duration.ofSeconds(60));
    }

    private static CloudEvent labCreated(UUID projectId, String name, String status) {
        return Events.event("/labfleet/project-service", "lab.project.created", projectId.toString(),
                lab(projectId, name, status, "ospf"), now());
    }

    private static CloudEvent node(UUID projectId, String name, String type, String status) {
        ObjectNode node = gns3Node(projectId, UUID.randomUUID(), name, type, status);
        node.putObject("labels").put("role", "core");
        return Events.event("/labfleet/topology-service", "lab.topology.node-created", node.get("node_id").asText(),
                node, now());
    }

    private static CloudEvent anomaly(UUID projectId, String title, String severity) {
        ObjectNode a = Events.json().put("anomalyId", UUID.randomUUID().toString()).put("projectId", projectId.toString())
                .put("title", title).put("severity", severity).put("status", "open").put("kind", "node-stopped");
        return Events.event("/labfleet/monitoring-service", "lab.monitoring.anomaly-opened",
                a.get("anomalyId").asText(), a, now());
    }

    private static ValidatableResponse post(String query, Map<String, Object> variables) {
        Map<String, Object> body = variables == null ? Map.of("query", query) : Map.of("query", query, "variables", variables);
        return RestAssured.given().contentType(ContentType.JSON).body(body).post("/graphql").then();
    }

    private static JsonPath data(String query, Map<String, Object> variables) {
        JsonPath json = post(query, variables).statusCode(200).extract().jsonPath();
        assertThat(json.getList("errors")).as(json.prettify()).isNull();
        return json;
    }

    @Test
    void typedListsFilterAndPageLikeTheRestSearch() {
        UUID projectId = UUID.randomUUID();
        String word = token("gql");
        List<CloudEvent> events = new ArrayList<>();
        events.add(labCreated(projectId, word + " lab", "opened"));
        for (int i = 0; i < 5; i++) {
            events.add(node(projectId, word + "-r" + i, "qemu", i == 4 ? "stopped" : "started"));
        }
        events.add(anomaly(projectId, word + " R1 stopped", "critical"));
        index(events);

        String query = "query($p: ID, $after: String) { nodes(projectId: $p, status: [\"started\"], first: 2, after: $after)"
                + " { items { id name status nodeType labels projectId link } nextCursor } }";
        List<String> names = new ArrayList<>();
        String after = null;
        int pages = 0;
        do {
            Map<String, Object> vars = new java.util.HashMap<>();
            vars.put("p", projectId.toString());
            vars.put("after", after);
            JsonPath page = data(query, vars);
            names.addAll(page.getList("data.nodes.items.name", String.class));
            assertThat(page.getList("data.nodes.items.status", String.class)).containsOnly("started");
            assertThat(page.getList("data.nodes.items.nodeType", String.class)).containsOnly("qemu");
            after = page.getString("data.nodes.nextCursor");
            pages++;
        } while (after != null && pages < 10);
        assertThat(names).containsExactly(word + "-r0", word + "-r1", word + "-r2", word + "-r3"); // by name
        assertThat(pages).isEqualTo(2);

        JsonPath labs = data("{ labs(q: \"" + word + "\") { items { id name status labels } } }", null);
        assertThat(labs.getList("data.labs.items.id", String.class)).containsExactly(projectId.toString());
        assertThat(labs.getList("data.labs.items[0].labels", String.class)).contains("ospf");

        JsonPath anomalies = data("{ anomalies(projectId: \"" + projectId + "\", status: [\"open\"]) { items { name "
                + "severity status lab { name } } } }", null);
        assertThat(anomalies.getString("data.anomalies.items[0].severity")).isEqualTo("critical");
        assertThat(anomalies.getString("data.anomalies.items[0].lab.name")).isEqualTo(word + " lab");
    }

    @Test
    void relationsAndSearchWithFacetsAndHighlights() {
        UUID projectId = UUID.randomUUID();
        String word = token("rel");
        index(List.of(labCreated(projectId, word + " lab", "opened"), node(projectId, word + "-a", "qemu", "started"),
                node(projectId, word + "-b", "vpcs", "started")));

        JsonPath lab = data("query($id: ID!) { lab(projectId: $id) { name server { id } nodes { items { name lab { id } } } "
                + "links { items { id } } anomalies { items { id } } } }", Map.of("id", projectId.toString()));
        assertThat(lab.getString("data.lab.name")).isEqualTo(word + " lab");
        assertThat(lab.getList("data.lab.nodes.items.name", String.class)).containsExactly(word + "-a", word + "-b");
        assertThat(lab.getList("data.lab.nodes.items.lab.id", String.class)).containsOnly(projectId.toString());
        assertThat(lab.getList("data.lab.links.items")).isEmpty();
        assertThat(data("{ lab(projectId: \"" + UUID.randomUUID() + "\") { name } }", null).getString("data.lab"))
                .isNull();

        JsonPath found = data("{ search(q: \"" + word + "\", facets: [\"kind\", \"type\"]) { total items { kind name "
                + "highlights { field fragment } } facets { name values { value count } } } }", null);
        assertThat(found.getInt("data.search.total")).isEqualTo(3);
        assertThat(found.getString("data.search.items[0].highlights[0].fragment")).contains("<mark>");
        List<Map<String, Object>> facets = found.getList("data.search.facets");
        assertThat(facets).extracting(f -> f.get("name")).containsExactly("kind", "type");
        assertThat(found.getList("data.search.facets.find { it.name == 'type' }.values.value", String.class))
                .containsExactlyInAnyOrder("qemu", "vpcs");
    }

    @Test
    void queriesBeyondTheDepthOrSizeLimitAreA400ProblemBeforeAnythingRuns() {
        // 7 levels: labs > items > nodes > items > lab > nodes > items (the limit is 6)
        post("{ labs { items { nodes { items { lab { nodes { items { name } } } } } } } }", null)
                .statusCode(400).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(400)).body("violations[0].field", equalTo("query"))
                .body("detail", equalTo("query: is 8 levels deep; at most 6 are accepted"));
        // the same depth hidden in fragments
        post("query { labs { ...L } } fragment L on LabPage { items { nodes { ...N } } } "
                + "fragment N on NodePage { items { lab { nodes { items { lab { name } } } } } }", null)
                .statusCode(400).body("detail", startsWith("query: is 9 levels deep"));
        // many fields: aliases of one field
        StringBuilder wide = new StringBuilder("{ servers { items { ");
        for (int i = 0; i < 250; i++) {
            wide.append("a").append(i).append(": name ");
        }
        post(wide.append("} } }").toString(), null).statusCode(400)
                .body("detail", startsWith("query: selects more than 200 fields"));
        // not a document, not JSON, no query
        post("{ labs { items { name }", null).statusCode(400).body("detail", startsWith("query: not a GraphQL document"));
        RestAssured.given().contentType(ContentType.JSON).body("{not json").post("/graphql").then().statusCode(400)
                .contentType(startsWith("application/problem+json")).body("detail", equalTo("body: not JSON"));
        RestAssured.given().contentType(ContentType.JSON).body("{}").post("/graphql").then().statusCode(400)
                .body("detail", startsWith("query: required"));
        // the request's other members (found by the e2e FuzzIT: a variables array was a 500, an unknown operation
        // name a 200 whose error named graphql-java's ValidationError)
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("query", "query($f: Int) { labs(first: $f) "
                        + "{ items { name } } }", "variables", List.of(1, 2))).post("/graphql").then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("variables"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("query", "{ labs { nextCursor } }",
                        "operationName", 42)).post("/graphql").then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("operationName"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("query", "{ labs { nextCursor } }",
                        "operationName", "nope")).post("/graphql").then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", equalTo("operationName: the document holds no operation named 'nope'"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("query", "query A { labs { nextCursor } } "
                        + "query B { servers { nextCursor } }")).post("/graphql").then().statusCode(400)
                .contentType("application/problem+json").body("violations[0].field", equalTo("operationName"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("query", "query A { labs { nextCursor } } "
                        + "query B { servers { nextCursor } }", "operationName", "B")).post("/graphql").then()
                .statusCode(200).body("errors", org.hamcrest.Matchers.nullValue())
                .body("data", org.hamcrest.Matchers.hasKey("servers"));
        // GET is not served (SmallRye's own 405 was plain JSON), nor any other method
        RestAssured.given().queryParam("query", "{ labs { nextCursor } }").get("/graphql").then().statusCode(405)
                .contentType("application/problem+json").header("Allow", "POST");
        RestAssured.given().contentType(ContentType.JSON).body("{}").put("/graphql").then().statusCode(405)
                .contentType("application/problem+json");
        // the plain GraphQL body is held to the same limits, and runs when within them
        RestAssured.given().contentType("application/graphql").body(("{ labs { items { nodes { items { lab { nodes { "
                + "items { name } } } } } } } }").getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/graphql").then().statusCode(400)
                .body("detail", startsWith("query: is 8 levels deep"));
        RestAssured.given().contentType("application/graphql")
                .body("{ servers { nextCursor } }".getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/graphql")
                .then().statusCode(200).body("errors", org.hamcrest.Matchers.nullValue());
        // exactly at the limit runs
        data("{ labs { items { nodes { items { lab { name } } } } } }", null);
        // introspection is exempt (it is deep, and reads no data)
        post("{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }",
                null).statusCode(200).body("data.__schema.types", org.hamcrest.Matchers.not(org.hamcrest.Matchers.empty()));
    }

    @Test
    void badArgumentsFailTheFieldWithTheirNameNeverAJavaClass() {
        for (String bad : List.of("{ search(kinds: [\"bogus\"]) { total } }",
                "{ search(q: \"r1 & 1=1; drop table x\") { total } }",
                "{ nodes(after: \"not-a-cursor\") { nextCursor } }",
                "{ nodes(projectId: \"not-a-uuid\") { nextCursor } }",
                "{ labs(first: 100000) { nextCursor } }",
                "{ search(q: \"" + "a".repeat(10_000) + "\") { total } }",
                "{ search(q: \"&|!():*\") { total } }")) {
            String body = post(bad, null).statusCode(200).extract().asString();
            JsonPath json = JsonPath.from(body);
            assertThat(json.getList("errors")).as(bad).hasSize(1);
            assertThat(json.getString("errors[0].message")).as(bad)
                    .matches("(kind|q|cursor|projectId|limit): .+");
            assertThat(body).as(bad).doesNotContainIgnoringCase("exception").doesNotContain("java.", "dev.labfleet",
                    "SQL", "Server Error");
        }
        String body = post("{ search(q: \"a\\\\b\") { total } }", null).statusCode(200).extract().asString();
        assertThat(JsonPath.from(body).getString("errors[0].message")).startsWith("q: character");
    }

    /** A body over 1 MiB is a 413 problem, whether its length is declared or it comes chunked. */
    @Test
    void aBodyOverOneMebibyteIsA413Problem() throws Exception {
        String big = "{\"query\":\"{ servers { nextCursor } }\",\"variables\":{\"pad\":\"" + "x".repeat(1024 * 1024)
                + "\"}}";
        RestAssured.given().contentType(ContentType.JSON).body(big.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/graphql").then().statusCode(413).contentType(startsWith("application/problem+json"))
                .body("status", equalTo(413)).body("detail", startsWith("the GraphQL request body is "))
                .body("detail", org.hamcrest.Matchers.containsString("at most 1048576"));
        // without a declared length (chunked): refused once the limit is reached while reading
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpResponse<String> chunked = client.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/graphql"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(413);
        assertThat(chunked.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(JsonPath.from(chunked.body()).getString("detail")).startsWith("the GraphQL request body is more than");
        // just under the limit is read and runs
        String fits = "{\"query\":\"{ servers { nextCursor } }\",\"variables\":{\"pad\":\"" + "x".repeat(1000 * 1000)
                + "\"}}";
        RestAssured.given().contentType(ContentType.JSON).body(fits.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/graphql").then().statusCode(200).body("errors", org.hamcrest.Matchers.nullValue());
    }

    /** SmallRye builds graphql-java's engine on first use; it is built at start, not inside a request on the loop. */
    @Test
    void theEngineIsBuiltAtStartNotByTheFirstRequest() throws Exception {
        assertThat(warmup.warmedAt()).as("GraphqlWarmup ran at start").isNotNull();
        Object target = execution;
        if (target instanceof io.quarkus.arc.ClientProxy proxy) {
            target = proxy.arc_contextualInstance();
        }
        java.lang.reflect.Field engine = io.smallrye.graphql.execution.ExecutionService.class.getDeclaredField("graphQL");
        engine.setAccessible(true);
        assertThat(engine.get(target)).as("the graphql-java engine exists").isNotNull();
    }

    @Test
    void theSchemaIsPublishedAndMatchesTheCommittedCopy() throws Exception {
        String served = RestAssured.given().get("/graphql/schema.graphql").then().statusCode(200).extract().asString();
        assertThat(served).contains("type Query", "nodes(", "type Lab", "type Server", "type Anomaly",
                "type Execution", "type SearchResult");
        assertThat(served).doesNotContain("mutation", "Mutation");
        Path committed = Path.of("..", "docs", "graphql", "search.graphql");
        if (Boolean.getBoolean("graphql.schema.write")) { // -Dgraphql.schema.write=true refreshes the committed copy
            Files.writeString(committed, served.strip() + "\n");
        }
        assertThat(Files.exists(committed)).as("docs/graphql/search.graphql: run this test with -Dgraphql.schema.write=true").isTrue();
        assertThat(Files.readString(committed).strip()).as("docs/graphql/search.graphql is out of date: run this test with "
                + "-Dgraphql.schema.write=true").isEqualTo(served.strip());
    }
}
