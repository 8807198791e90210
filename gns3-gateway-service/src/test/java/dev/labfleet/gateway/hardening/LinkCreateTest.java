package dev.labfleet.gateway.hardening;

import dev.labfleet.gateway.support.Api;
import dev.labfleet.gateway.support.Simulators;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * Link creates on real GNS3 are not idempotent (it ignores link_id): the gateway never retries one, and a create
 * replayed after its answer was lost is answered with the link that has its two ends, not refused or doubled.
 */
@QuarkusTest
@QuarkusTestResource(Simulators.class)
class LinkCreateTest {

    private static final String LINK_CREATES = "POST /v2/projects/{project_id}/links";

    @jakarta.inject.Inject
    dev.labfleet.gateway.client.Gns3Client client;

    UUID server;
    String base;
    String project;
    String pc1;
    String pc2;

    @BeforeEach
    void lab() {
        server = Api.server("sim-b", Simulators.b().baseUrl());
        base = "/api/v1/servers/" + server;
        project = base + "/projects/" + Api.project(base, "links-");
        pc1 = node("PC1");
        pc2 = node("PC2");
    }

    @AfterEach
    void noMoreFaults() {
        Simulators.b().faults().clear();
        client.forget(server); // the injected 500s must not leave sim-b's breaker open for the next test class
    }

    private String node(String name) {
        return Api.json().body(Map.of("name", name, "node_type", "vpcs", "compute_id", "local"))
                .post(project + "/nodes").then().statusCode(201).extract().path("node_id");
    }

    private Map<String, Object> link(String linkId) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("nodes", List.of(
                Map.of("node_id", pc1, "adapter_number", 0, "port_number", 0),
                Map.of("node_id", pc2, "adapter_number", 0, "port_number", 0))));
        if (linkId != null) {
            body.put("link_id", linkId);
        }
        return body;
    }

    @Test
    void aReplayedCreateIsAnsweredWithTheLinkOfTheSameEnds() {
        String made = Api.json().body(link(null)).post(project + "/links").then().statusCode(201)
                .extract().path("link_id");

        // the same create again (its answer was lost): GNS3 says the port is used; the link is there
        Api.json().body(link(null)).post(project + "/links").then().statusCode(201).body("link_id", equalTo(made));
        Api.json().body(Map.of("operations", List.of(Map.of("id", "again", "method", "POST",
                        "path", project.substring(base.length()) + "/links", "body", link(null)))))
                .post(base + "/batch").then().statusCode(200)
                .body("results[0].status", equalTo(201)).body("results[0].body.link_id", equalTo(made));
        Api.json().get(project + "/links").then().statusCode(200).body("$", hasSize(1));

        // (a port used by a link with other ends stays GNS3's 409: Gns3BatchTest and Gns3ProxyTest check it)
    }

    @Test
    void aLinkCreateIsNeverRetriedEvenWithALinkId() {
        String route = "POST " + project.replaceFirst("^/api/v1/servers/[^/]+", "/v2") + "/links";
        Simulators.b().faults().errors(route, 1.0);
        long before = Simulators.b().requests().count(LINK_CREATES);

        Api.json().body(link(UUID.randomUUID().toString())).post(project + "/links").then().statusCode(502);
        assertThat(Simulators.b().requests().count(LINK_CREATES) - before).as("attempts on GNS3").isEqualTo(1);

        Api.json().body(Map.of("operations", List.of(Map.of("id", "l", "method", "POST",
                        "path", project.substring(base.length()) + "/links",
                        "body", link(UUID.randomUUID().toString())))))
                .post(base + "/batch").then().statusCode(200).body("results[0].status", equalTo(502));
        assertThat(Simulators.b().requests().count(LINK_CREATES) - before).as("attempts on GNS3").isEqualTo(2);
    }
}
