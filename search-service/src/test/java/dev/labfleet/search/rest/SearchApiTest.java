package dev.labfleet.search.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.search.messaging.IndexingConsumer;
import dev.labfleet.search.support.Events;
import dev.labfleet.search.support.SourcesStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.labfleet.search.support.Events.gns3Node;
import static dev.labfleet.search.support.Events.lab;
import static dev.labfleet.search.support.Events.now;
import static org.assertj.core.api.Assertions.assertThat;

/** Ranked hits, facets, cursor pages and the query syntax, over documents written through the indexing path. */
@QuarkusTest
@QuarkusTestResource(SourcesStandIn.class)
class SearchApiTest {

    @Inject
    IndexingConsumer indexing;

    @Inject
    dev.labfleet.search.service.SearchService search;

    private static String token(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    private void index(List<CloudEvent> events) {
        indexing.index(events).await().atMost(Duration.ofSeconds(60));
    }

    private static CloudEvent labCreated(UUID projectId, String name, String status, String... tags) {
        return Events.event("/labfleet/project-service", "lab.project.created", projectId.toString(),
                lab(projectId, name, status, tags), now());
    }

    private static CloudEvent node(UUID projectId, String name, String type, String status, Map<String, String> labels) {
        ObjectNode node = gns3Node(projectId, UUID.randomUUID(), name, type, status);
        ObjectNode l = node.putObject("labels");
        labels.forEach(l::put);
        return Events.event("/labfleet/topology-service", "lab.topology.node-created", node.get("node_id").asText(),
                node, now());
    }

    @Test
    void facetsCountEveryMatchingDocument() {
        UUID projectId = UUID.randomUUID();
        String word = token("facet");
        List<CloudEvent> events = new ArrayList<>();
        events.add(labCreated(projectId, word + " lab", "opened", "bgp"));
        for (int i = 0; i < 3; i++) {
            events.add(node(projectId, word + "-r" + i, "qemu", "started", Map.of("role", "core")));
        }
        events.add(node(projectId, word + "-pc1", "vpcs", "stopped", Map.of("role", "host")));
        events.add(node(projectId, word + "-pc2", "vpcs", "started", Map.of()));
        index(events);
        JsonPath page = RestAssured.given().queryParam("q", word).queryParam("limit", 2).get("/api/v1/search").then()
                .statusCode(200).extract().jsonPath();
        assertThat(page.getInt("total")).isEqualTo(6);
        assertThat(page.getBoolean("totalExact")).isTrue(); // 6 is below the count limit (5,000)
        assertThat(page.getBoolean("facetsTruncated")).isFalse();
        assertThat(page.getMap("facets.kind")).isEqualTo(Map.of("node", 5, "lab", 1));
        assertThat(page.getMap("facets.type")).isEqualTo(Map.of("qemu", 3, "vpcs", 2));
        assertThat(page.getMap("facets.status")).isEqualTo(Map.of("started", 4, "stopped", 1, "opened", 1));
        assertThat(page.getMap("facets.label")).isEqualTo(Map.of("role=core", 3, "role=host", 1, "bgp", 1));
        assertThat(page.getMap("facets.server")).isEqualTo(Map.of(Events.SERVER_ID.toString(), 1));
        assertThat(page.getList("items")).hasSize(2);
        assertThat(page.getString("items[0].kind")).isEqualTo("lab"); // the name holds the word whole
        // filters narrow the facets too
        JsonPath qemu = RestAssured.given().queryParam("q", word + " type:qemu").get("/api/v1/search").then()
                .statusCode(200).extract().jsonPath();
        assertThat(qemu.getInt("total")).isEqualTo(3);
        assertThat(RestAssured.given().queryParam("q", word).queryParam("status", "stopped").get("/api/v1/search")
                .then().statusCode(200).extract().jsonPath().getInt("total")).isEqualTo(1);
        assertThat(RestAssured.given().queryParam("q", word).queryParam("label", "role=core").queryParam("facets", "kind")
                .get("/api/v1/search").then().statusCode(200).extract().jsonPath().getMap("facets"))
                .isEqualTo(Map.of("kind", Map.of("node", 3)));
    }

    @Test
    void beyondTheCountLimitTotalAndFacetsSayTheyCountedOnlyPartOfTheMatches() {
        UUID projectId = UUID.randomUUID();
        String word = token("capped");
        List<CloudEvent> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            events.add(node(projectId, word + "-r" + i, "qemu", "started", Map.of("role", "core")));
        }
        for (int i = 0; i < 3; i++) {
            events.add(node(projectId, word + "-pc" + i, "vpcs", "stopped", Map.of()));
        }
        index(events);
        // the service's count limit (labfleet.search.query.count-limit, 5,000) through the same path, made small
        dev.labfleet.search.query.SearchRequest request = new dev.labfleet.search.query.SearchRequest(
                dev.labfleet.search.query.QueryParser.parse(word, 512, 24), Set.of(), null, null, List.of(), List.of(),
                null, null, dev.labfleet.search.query.SearchRequest.Sort.RELEVANCE, null, 50,
                dev.labfleet.search.query.SearchRequest.FACETS);
        dev.labfleet.search.rest.SearchPage capped = search.search(request, 5).await().atMost(Duration.ofSeconds(30));
        assertThat(capped.total()).isEqualTo(5L);
        assertThat(capped.totalExact()).isFalse();
        assertThat(capped.facetsTruncated()).isTrue();
        assertThat(capped.facets().get("kind")).isEqualTo(Map.of("node", 5L));
        assertThat(capped.facets().get("type").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5L);
        assertThat(capped.facets().get("status").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5L);
        assertThat(capped.items()).as("the hits are not capped: every match is ranked and paged").hasSize(8);

        dev.labfleet.search.rest.SearchPage atTheLimit = search.search(request, 8).await().atMost(Duration.ofSeconds(30));
        assertThat(atTheLimit.total()).isEqualTo(8L);
        assertThat(atTheLimit.totalExact()).isTrue();
        assertThat(atTheLimit.facetsTruncated()).isFalse();
        assertThat(atTheLimit.facets().get("type")).isEqualTo(Map.of("qemu", 5L, "vpcs", 3L));

        dev.labfleet.search.rest.SearchPage all = search.search(request, Integer.MAX_VALUE)
                .await().atMost(Duration.ofSeconds(30));
        assertThat(all.total()).isEqualTo(8L);
        assertThat(all.totalExact()).isTrue();
        assertThat(all.facets().get("status")).isEqualTo(Map.of("started", 5L, "stopped", 3L));

        // without facets nothing is counted, and the flags are absent too
        JsonPath none = RestAssured.given().queryParam("q", word).queryParam("facets", "none").get("/api/v1/search")
                .then().statusCode(200).extract().jsonPath();
        assertThat(none.getMap("$")).doesNotContainKeys("total", "totalExact", "facetsTruncated");
        // the API's description says what the flags mean
        assertThat(RestAssured.given().get("/q/openapi?format=json").then().statusCode(200).extract().asString())
                .contains("facetsTruncated", "totalExact", "a lower bound");
    }

    @Test
    void phrasesExclusionsAndFieldFilters() {
        UUID projectId = UUID.randomUUID();
        String word = token("syn");
        index(List.of(labCreated(projectId, word + " core switch", "opened"),
                node(projectId, word + " switch core", "ethernet_switch", "started", Map.of()),
                node(projectId, word + " core router", "dynamips", "stopped", Map.of("site", "paris"))));
        assertThat(names("\"" + word + " core switch\"")).containsExactly(word + " core switch");
        assertThat(names(word + " core -router")).containsExactlyInAnyOrder(word + " core switch", word + " switch core");
        assertThat(names(word + " -\"switch core\"")).containsExactlyInAnyOrder(word + " core switch", word + " core router");
        assertThat(names(word + " kind:node -status:stopped")).containsExactly(word + " switch core");
        assertThat(names(word + " label:site=paris")).containsExactly(word + " core router");
        assertThat(names(word + " name:paris")).isEmpty();
        assertThat(names(word + " paris")).containsExactly(word + " core router");
        assertThat(names(word + " project:" + projectId + " type:dynamips")).containsExactly(word + " core router");
    }

    private static List<String> names(String q) {
        return RestAssured.given().queryParam("q", q).queryParam("facets", "none").get("/api/v1/search").then()
                .statusCode(200).extract().jsonPath().getList("items.name", String.class);
    }

    @Test
    void aCursorWalkOverTenThousandHitsReturnsEachExactlyOnceWhileInsertsHappen() throws Exception {
        String word = token("walk");
        UUID projectId = UUID.randomUUID();
        List<CloudEvent> batch = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            CloudEvent e = node(projectId, word + " n" + i, i % 2 == 0 ? "qemu" : "vpcs", "started", Map.of());
            expected.add(e.subject());
            batch.add(e);
            if (batch.size() == 1000) {
                index(batch);
                batch = new ArrayList<>();
            }
        }
        // inserts while the walk goes on: a writer of its own (bounded, so the walk ends), and more between pages
        AtomicBoolean walking = new AtomicBoolean(true);
        AtomicInteger inserted = new AtomicInteger();
        AtomicInteger extra = new AtomicInteger();
        Thread inserter = new Thread(() -> {
            while (walking.get() && inserted.get() < 3_000) {
                List<CloudEvent> more = new ArrayList<>();
                for (int k = 0; k < 50; k++) {
                    more.add(node(projectId, word + " extra" + extra.getAndIncrement(), "qemu", "started", Map.of()));
                }
                indexing.index(more).await().atMost(Duration.ofSeconds(30));
                inserted.addAndGet(more.size());
            }
        });
        inserter.start();
        List<String> seen = new ArrayList<>();
        try {
            for (String sort : List.of("relevance", "name", "newest")) {
                seen.clear();
                String cursor = null;
                do {
                    var request = RestAssured.given().queryParam("q", word).queryParam("kind", "node")
                            .queryParam("sort", sort).queryParam("limit", 500).queryParam("facets", "none");
                    if (cursor != null) {
                        request.queryParam("cursor", cursor);
                    }
                    JsonPath page = request.get("/api/v1/search").then().statusCode(200).extract().jsonPath();
                    seen.addAll(page.getList("items.id", String.class));
                    cursor = page.getString("nextCursor");
                    List<CloudEvent> between = new ArrayList<>();
                    for (int k = 0; k < 20; k++) {
                        between.add(node(projectId, word + " extra" + extra.getAndIncrement(), "vpcs", "started", Map.of()));
                    }
                    index(between);
                } while (cursor != null);
                List<String> original = seen.stream().filter(expected::contains).toList();
                assertThat(original).as("sort=" + sort).hasSize(10_000);
                assertThat(new HashSet<>(original)).as("sort=" + sort).isEqualTo(expected);
                assertThat(new HashSet<>(seen)).as("no hit twice, sort=" + sort).hasSize(seen.size());
            }
        } finally {
            walking.set(false);
            inserter.join(30_000);
        }
        assertThat(inserted.get()).isPositive();
        assertThat(extra.get()).isGreaterThan(inserted.get());
    }
}
