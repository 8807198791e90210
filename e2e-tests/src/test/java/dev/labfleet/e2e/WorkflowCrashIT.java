package dev.labfleet.e2e;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A durable workflow on the running suite, with every lab step calling the real services: create a lab
 * (project-service), apply a spec (topology-service), start it staggered, wait until the nodes are started, address
 * them and validate a ping through their consoles, stop them, wait until they are stopped, snapshot, then (after the
 * crash) grow the lab by another apply and restore the snapshot. automation-service is killed (SIGKILL) while the
 * snapshot step's call is in flight (the simulator holds snapshot creates for a few seconds), and started again: the
 * restarted process takes the run over once the dead one's lease expires and finishes it, with exactly one lab, one
 * snapshot, one script execution per script step, and every step before the snapshot run once.
 */
@ExtendWith(Suite.Extension.class)
class WorkflowCrashIT {

    private static RequestSpecification service(String name) {
        return given().baseUri(Suite.current().service(name).baseUrl()).contentType(ContentType.JSON)
                .filter(new io.restassured.filter.log.ErrorLoggingFilter());
    }

    private static Map<String, Object> step(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    private static String script(String name, String body, String variable) {
        service("automation").body(Map.of("name", name, "kind", "vpcs", "body", body,
                        "variables", List.of(Map.of("name", variable, "type", "ip", "required", true))))
                .when().post("/api/v1/scripts").then().statusCode(201);
        return name;
    }

    private static Map<String, Object> vpcsPair(boolean withThird) {
        List<Map<String, Object>> nodes = new java.util.ArrayList<>(List.of(
                Map.of("name", "PC1", "node_type", "vpcs"), Map.of("name", "PC2", "node_type", "vpcs")));
        if (withThird) {
            nodes.add(Map.of("name", "PC3", "node_type", "vpcs"));
        }
        return Map.of("nodes", nodes, "links", List.of(Map.of("a", "PC1:e0", "b", "PC2:e0")));
    }

    private static JsonPath run(String id) {
        return service("automation").when().get("/api/v1/workflow-executions/" + id).then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void aWorkflowKilledDuringItsSnapshotStepIsFinishedByTheRestartedServiceWithoutRepeatingAnything() throws Exception {
        await("the simulator registered by the gateway").atMost(Duration.ofSeconds(30))
                .until(() -> service("gateway").when().get("/api/v1/servers").then().statusCode(200)
                        .extract().jsonPath().getList("items"), items -> !items.isEmpty());
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String address = script("e2e-addr-" + tag, "ip {ip}/24\n", "ip");
        String ping = script("e2e-ping-" + tag, "ping {peer} -c 1\n", "peer");
        String labName = "wf-" + tag + "-{execution.id}";
        String workflowId = service("automation").body(Map.of("name", "e2e-bringup-" + tag, "steps", List.of(
                        step("id", "lab", "kind", "createLab", "spec", Map.of("name", labName)),
                        step("id", "topo", "kind", "applyTopology", "spec", vpcsPair(false)),
                        step("id", "start", "kind", "startNodes", "batchSize", 1, "delayMs", 0),
                        step("id", "up", "kind", "wait", "untilStatus", "started", "timeoutSeconds", 60),
                        step("id", "address", "kind", "runScript", "script", address, "nodeVariables", Map.of(
                                "PC1", Map.of("ip", "10.41.0.1"), "PC2", Map.of("ip", "10.41.0.2"))),
                        step("id", "check", "kind", "validate", "script", ping, "nodes", List.of("PC1"),
                                "variables", Map.of("peer", "10.41.0.2"), "assertions", List.of(Map.of(
                                        "type", "pingLoss", "maxLossPercent", 0, "retries", 5, "intervalMs", 300))),
                        step("id", "stop", "kind", "stopNodes"),
                        step("id", "down", "kind", "wait", "untilStatus", "stopped", "timeoutSeconds", 60),
                        step("id", "snap", "kind", "snapshot", "name", "addressed"),
                        step("id", "grow", "kind", "applyTopology", "spec", vpcsPair(true)),
                        step("id", "back", "kind", "restoreSnapshot", "name", "addressed"),
                        step("id", "missing", "kind", "restoreSnapshot", "name", "never-taken",
                                "onFailure", "continue"))))
                .when().post("/api/v1/workflows").then().statusCode(201).extract().path("id");

        // the snapshot create waits 6 s in GNS3: long enough to kill automation-service while it is in flight
        Suite.current().simulator().faults().latency("POST /v2/projects/*/snapshots", 6000);
        ServiceProcess automation = Suite.current().service("automation");
        try {
            String runId = service("automation").body(Map.of()).when()
                    .post("/api/v1/workflows/" + workflowId + "/executions").then().statusCode(202)
                    .extract().path("id");
            String owner = await("the snapshot step running").atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(100)).until(() -> run(runId), r -> {
                        assertThat(r.getString("status")).as(r.prettify()).isEqualTo("running");
                        return "snap".equals(r.getString("nextStepId"))
                                && "running".equals(r.getString("steps[8].status"));
                    }).getString("owner");
            automation.kill();

            // a restarted replica keeps its database: the suite's first start cleaned it, this one must not
            automation.env("QUARKUS_FLYWAY_CLEAN_AT_START", null).start().awaitReady(Duration.ofSeconds(
                    Long.parseLong(E2e.env("LABFLEET_E2E_START_SECONDS", "180"))));
            JsonPath done = await("the run finished by the restarted service").atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(500)).until(() -> run(runId),
                            r -> !"running".equals(r.getString("status")));
            assertThat(done.getString("status")).as(done.prettify()).isEqualTo("succeeded");
            assertThat(done.getInt("takeovers")).isEqualTo(1);
            assertThat(done.getList("steps.id")).containsExactly("lab", "topo", "start", "up", "address", "check",
                    "stop", "down", "snap", "grow", "back", "missing");
            assertThat(done.getList("steps.status")).containsExactly("succeeded", "succeeded", "succeeded",
                    "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded", "succeeded",
                    "succeeded", "continued");
            assertThat(done.getString("steps[11].error")).contains("has no snapshot named 'never-taken'");
            // every step before the crash ran once; the snapshot step was taken up again by the new process
            assertThat(done.getList("steps.attempts", Integer.class))
                    .containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1);
            assertThat(done.getString("steps[8].idempotencyKey")).isEqualTo(runId + ":8");

            String projectId = done.getString("projectId");
            assertThat(projectId).isEqualTo(done.getString("steps[0].ref"));
            String expectedName = "wf-" + tag + "-" + runId;
            List<String> labs = service("project").queryParam("name", "wf-" + tag).when().get("/api/v1/projects")
                    .then().statusCode(200).extract().jsonPath().getList("items.projectId");
            assertThat(labs).as("labs made by the workflow").containsExactly(projectId);
            JsonPath lab = service("project").when().get("/api/v1/projects/" + projectId).then().statusCode(200)
                    .extract().jsonPath();
            assertThat(lab.getString("name")).isEqualTo(expectedName);
            List<String> snapshots = service("project").when().get("/api/v1/projects/" + projectId + "/snapshots")
                    .then().statusCode(200).extract().jsonPath().getList("name");
            assertThat(snapshots).as("snapshots of the lab").containsExactly("addressed");
            // the restore took the lab back to the two nodes the snapshot holds (the apply after it had made three)
            List<String> nodes = service("gateway").when().get("/api/v1/servers/" + lab.getString("serverId")
                    + "/projects/" + projectId + "/nodes").then().statusCode(200).extract().jsonPath().getList("name");
            assertThat(nodes).containsExactlyInAnyOrder("PC1", "PC2");
            // one script execution per script step: the restarted service did not run a console step again
            List<String> executions = service("automation").when().get("/api/v1/executions?projectId=" + projectId)
                    .then().statusCode(200).extract().jsonPath().getList("id");
            assertThat(executions).hasSize(2).containsExactlyInAnyOrder(done.getString("steps[4].ref"),
                    done.getString("steps[5].ref"));
            assertThat(done.getString("owner")).as("the lease is released at the end").isNull();
            assertThat(owner).as("the dead process's replica name").isNotBlank();
        } finally {
            Suite.current().simulator().faults().clear();
            if (!automation.isAlive()) {
                // a restarted replica keeps its database: the suite's first start cleaned it, this one must not
            automation.env("QUARKUS_FLYWAY_CLEAN_AT_START", null).start().awaitReady(Duration.ofSeconds(180));
            }
        }
    }
}
