package dev.labfleet.automation.security;

import dev.labfleet.automation.support.LabStandIn;
import dev.labfleet.automation.support.SimLabs;
import dev.labfleet.common.testing.SecuredProfile;
import dev.labfleet.common.testing.TestIssuer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/**
 * Ownership of executions and workflow runs with real tokens (docs/security.md): they belong to their lab, so an
 * operator of another group cannot start one on the lab, read, cancel or follow one (403 problems, a 403 error on the
 * stream), and does not see them in lists; the lab's viewer reads them, an admin sees everything. project-service is
 * the simulator's facade, which says who owns the lab.
 */
@QuarkusTest
@TestProfile(SecuredProfile.class)
@QuarkusTestResource(LabStandIn.class)
class ExecutionOwnershipTest {

    private final String run = UUID.randomUUID().toString().substring(0, 8);

    @TestHTTPResource("/")
    URI base;

    private static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    @Test
    void anotherGroupsOperatorNeitherRunsNorSeesTheLabsExecutions() throws Exception {
        String alice = TestIssuer.operator("alice-" + run, "ccna-" + run);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String vera = TestIssuer.viewer("vera-" + run, "ccna-" + run);
        String admin = TestIssuer.admin("ada-" + run);
        SimLabs.Lab lab = SimLabs.pairs(2);
        LabStandIn.facade().own(lab.projectId(), "alice-" + run, List.of("group:ccna-" + run));

        String script = as(alice).body(Map.of("name", "show-" + run, "kind", "vpcs", "body", "show ip\n"))
                .post("/api/v1/scripts").then().statusCode(201).extract().path("id");

        // bob may run scripts, but not on a lab that is neither his nor his group's
        as(bob).body(Map.of("projectId", lab.projectId())).post("/api/v1/scripts/" + script + "/executions")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", endsWith("/forbidden")).body("detail", containsString(lab.projectId()));
        // nor on a lab project-service does not know
        as(bob).body(Map.of("projectId", UUID.randomUUID().toString()))
                .post("/api/v1/scripts/" + script + "/executions")
                .then().statusCode(404).contentType("application/problem+json");

        String execution = as(alice).body(Map.of("projectId", lab.projectId()))
                .post("/api/v1/scripts/" + script + "/executions").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> !"running".equals(
                as(alice).get("/api/v1/executions/" + execution).then().statusCode(200).extract().path("status")));

        // bob: 403 on the execution, its lab's list and its cancel; absent from his list
        as(bob).get("/api/v1/executions/" + execution).then().statusCode(403)
                .contentType("application/problem+json").body("type", endsWith("/forbidden"));
        as(bob).delete("/api/v1/executions/" + execution).then().statusCode(403)
                .contentType("application/problem+json");
        as(bob).get("/api/v1/executions?projectId=" + lab.projectId()).then().statusCode(403)
                .contentType("application/problem+json");
        as(bob).get("/api/v1/executions").then().statusCode(200).body("id", not(hasItem(execution)));
        as(bob).get("/api/v1/executions?scriptId=" + script).then().statusCode(200)
                .body("id", not(hasItem(execution)));

        // the group's viewer and an admin see it; the viewer may not cancel it (role)
        as(vera).get("/api/v1/executions/" + execution).then().statusCode(200)
                .body("projectId", equalTo(lab.projectId()));
        as(vera).get("/api/v1/executions").then().statusCode(200).body("id", hasItem(execution));
        as(vera).get("/api/v1/executions?projectId=" + lab.projectId()).then().statusCode(200)
                .body("id", hasItem(execution));
        as(vera).delete("/api/v1/executions/" + execution).then().statusCode(403);
        as(admin).get("/api/v1/executions").then().statusCode(200).body("id", hasItem(execution));

        // the stream: bob gets one 403 error and nothing of the transcript; alice gets the transcript
        List<String> bobs = stream(bob, execution);
        assertThat(bobs).hasSize(1);
        assertThat(bobs.get(0)).contains("\"type\":\"error\"").contains("\"status\":403")
                .doesNotContain("show ip");
        assertThat(stream(alice, execution)).anySatisfy(m -> assertThat(m).contains("\"type\":\"finished\""));
    }

    @Test
    void anotherGroupsOperatorNeitherStartsNorReachesTheLabsWorkflowRuns() {
        String alice = TestIssuer.operator("alice-" + run);
        String bob = TestIssuer.operator("bob-" + run, "ospf-" + run);
        String admin = TestIssuer.admin("ada-" + run);
        String lab = SimLabs.pairs(1).projectId();
        LabStandIn.facade().own(lab, "alice-" + run, List.of());

        String workflow = as(admin).body(Map.of("name", "wait-" + run, "steps",
                        List.of(Map.of("id", "approve", "kind", "approval"))))
                .post("/api/v1/workflows").then().statusCode(201).extract().path("id");

        as(bob).body(Map.of("projectId", lab)).post("/api/v1/workflows/" + workflow + "/executions")
                .then().statusCode(403).contentType("application/problem+json").body("detail", containsString(lab));
        String runId = as(alice).body(Map.of("projectId", lab)).post("/api/v1/workflows/" + workflow + "/executions")
                .then().statusCode(202).extract().path("id");

        as(bob).get("/api/v1/workflow-executions/" + runId).then().statusCode(403)
                .contentType("application/problem+json");
        as(bob).post("/api/v1/workflow-executions/" + runId + "/resume").then().statusCode(403);
        as(bob).delete("/api/v1/workflow-executions/" + runId).then().statusCode(403);
        as(bob).get("/api/v1/workflows/" + workflow + "/executions").then().statusCode(200)
                .body("id", not(hasItem(runId)));

        as(alice).get("/api/v1/workflow-executions/" + runId).then().statusCode(200);
        as(alice).get("/api/v1/workflows/" + workflow + "/executions").then().statusCode(200)
                .body("id", hasItem(runId));
        as(alice).delete("/api/v1/workflow-executions/" + runId).then().statusCode(202);
    }

    /** Every message of the execution's stream, as {@code token} receives them until the server closes it. */
    private List<String> stream(String token, String execution) throws Exception {
        List<String> messages = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "api/v1/executions/" + execution
                + "/stream");
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(uri, new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            messages.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(null);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(30, TimeUnit.SECONDS);
        closed.get(60, TimeUnit.SECONDS);
        socket.abort();
        return messages;
    }
}
