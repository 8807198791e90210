package dev.labfleet.monitoring.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.support.WsClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live streams authenticate like every route, with real tokens of the in-process issuer: no token, no stream
 * (the upgrade is refused with 401); a browser's token offered as a subprotocol or a client's Authorization header
 * opens it; and a stream only carries the labs its subscriber may see (docs/security.md).
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
class StreamSecurityTest {

    private static final String FLEET = "/api/v1/monitoring/stream/fleet";

    @Inject
    FleetModel model;

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    /** As a browser does it: the token as a second subprotocol beside labfleet.v1. */
    private static WsClient browser(String path, String token) {
        String offered = "quarkus-http-upgrade#Authorization#"
                + URLEncoder.encode("Bearer " + token, StandardCharsets.UTF_8).replace("+", "%20");
        return WsClient.connect(RestAssured.port, path, b -> b.subprotocols("labfleet.v1", offered));
    }

    private static List<String> labs(WsClient client) {
        JsonNode snapshot = client.first();
        assertThat(snapshot.path("type").asText()).isEqualTo("snapshot");
        List<String> ids = new ArrayList<>();
        snapshot.path("labs").forEach(l -> ids.add(l.path("projectId").asText()));
        return ids;
    }

    @Test
    void noTokenNoStream() {
        assertThatThrownBy(() -> WsClient.connect(RestAssured.port, FLEET)).isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
        assertThatThrownBy(() -> browser(FLEET, TestIssuer.expired("eve", "admin")))
                .cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
    }

    @Test
    void aStreamCarriesOnlyTheLabsItsSubscriberMaySee() throws Exception {
        String mine = UUID.randomUUID().toString();
        String theirs = UUID.randomUUID().toString();
        model.labMeta(mine, null, "mine-" + run, List.of());
        model.labOwner(mine, "alice-" + run);
        model.labMeta(theirs, null, "theirs-" + run, List.of("group:ospf-" + run));
        model.labOwner(theirs, "bob-" + run);

        try (WsClient alice = browser(FLEET, TestIssuer.operator("alice-" + run))) {
            assertThat(alice.subprotocol()).isEqualTo("labfleet.v1");
            assertThat(labs(alice)).contains(mine).doesNotContain(theirs);
        }
        try (WsClient member = WsClient.connect(RestAssured.port, FLEET, b -> b.header("Authorization",
                "Bearer " + TestIssuer.viewer("vera-" + run, "ospf-" + run)))) {
            assertThat(labs(member)).contains(theirs).doesNotContain(mine);
        }
        try (WsClient admin = browser(FLEET, TestIssuer.admin("ada-" + run))) {
            assertThat(labs(admin)).contains(mine, theirs);
        }
        try (WsClient alice = browser("/api/v1/monitoring/stream/projects/" + theirs,
                TestIssuer.operator("alice-" + run))) {
            assertThat(alice.awaitClose(Duration.ofSeconds(10))).isEqualTo(4403);
        }
    }
}
