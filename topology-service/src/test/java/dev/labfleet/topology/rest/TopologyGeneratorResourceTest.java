package dev.labfleet.topology.rest;

import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.SpecResolver;
import dev.labfleet.topology.spec.TemplateCatalogue;
import dev.labfleet.topology.spec.TopologySpec;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
class TopologyGeneratorResourceTest {

    private static final String SPINE_LEAF = """
            {"shape": "spine-leaf", "name": "dc1", "spines": 2, "leaves": 6, "hostsPerLeaf": 2}
            """;

    @Test
    void generatesASpineLeafSpecAsJson() {
        given().contentType(ContentType.JSON).accept(ContentType.JSON).body(SPINE_LEAF)
                .when().post("/api/v1/topologies/generate")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("name", equalTo("dc1"))
                .body("nodes", hasSize(20))
                .body("links", hasSize(24))
                .body("nodes[0].name", equalTo("spine1"))
                .body("nodes[0].template", equalTo("Ethernet switch"))
                .body("nodes[0].labels.role", equalTo("spine"))
                .body("nodes[3].template", equalTo("VPCS"))
                .body("links[0].a", equalTo("leaf1:e0"))
                .body("links[0].b", equalTo("spine1:e0"));
    }

    @Test
    void generatesYamlThatReadsBackAsAValidSpec() {
        String yaml = given().contentType(ContentType.JSON).accept("application/yaml").body(SPINE_LEAF)
                .when().post("/api/v1/topologies/generate")
                .then().statusCode(200)
                .contentType("application/yaml")
                .extract().asString();

        assertThat(yaml).startsWith("name: dc1").contains("  - name: spine1\n    template: Ethernet switch\n")
                .doesNotContain("hostsPerLeaf");
        TopologySpec spec = SpecCodec.parse(yaml, SpecCodec.Format.YAML);
        assertThat(new SpecResolver(TemplateCatalogue.builtin()).resolve(spec).violations()).isEmpty();
        assertThat(spec.nodes()).hasSize(20);
    }

    @Test
    void badRequestsAreProblemsWithFieldPaths() {
        given().contentType(ContentType.JSON).accept(ContentType.JSON)
                .body("{\"shape\": \"hexagon\", \"size\": 0, \"spacing\": 5}")
                .when().post("/api/v1/topologies/generate")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://labfleet.dev/problems/validation"))
                .body("violations.field", containsInAnyOrder("shape", "size", "spacing"));

        given().contentType(ContentType.JSON).accept("application/yaml")
                .body("{\"shape\": \"ring\", \"size\": 4, \"templates\": {\"node\": \"VPCS\", \"core\": \"VPCS\"}}")
                .when().post("/api/v1/topologies/generate")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("violations.field", containsInAnyOrder("templates.core"))
                .body("violations[0].message", equalTo("a ring has the roles node"));

        given().contentType(ContentType.JSON).accept(ContentType.JSON)
                .body("{\"shape\": \"ring\", \"size\": 4, \"templates\": {\"node\": \"VPCS\"}}")
                .when().post("/api/v1/topologies/generate")
                .then().statusCode(400)
                .body("violations[0].field", equalTo("templates.node"))
                .body("violations[0].message", equalTo("VPCS (vpcs): a vpcs node has 1 port, 2 needed in a ring"));

        given().contentType(ContentType.JSON).accept(ContentType.JSON).body("{\"shape\": \"tree\"}")
                .when().post("/api/v1/topologies/generate")
                .then().statusCode(400)
                .body("violations.field", containsInAnyOrder("depth", "fanout"));
    }

    @Test
    void importsAContainerlabFileWithTheConfiguredKinds() {
        String clab = """
                name: two-hosts
                topology:
                  nodes:
                    sw: {kind: bridge}
                    h1: {kind: linux, image: alpine}
                    h2: {kind: linux}
                  links:
                    - endpoints: ["h1:eth1", "sw:eth1"]
                    - endpoints: ["h2:eth1", "sw:eth2"]
                """;
        given().contentType("application/yaml").accept(ContentType.JSON).body(clab.getBytes(UTF_8))
                .when().post("/api/v1/topologies/import/containerlab")
                .then().statusCode(200)
                .body("name", equalTo("two-hosts"))
                .body("nodes.node_type", org.hamcrest.Matchers.contains("ethernet_switch", "vpcs", "vpcs"))
                .body("links.b", org.hamcrest.Matchers.contains("sw:e0", "sw:e1"));

        given().contentType("application/yaml").accept(ContentType.JSON)
                .body("topology:\n  nodes: [oops\n".getBytes(UTF_8))
                .when().post("/api/v1/topologies/import/containerlab")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.startsWith("malformed YAML at line"));
    }
}
