package dev.labfleet.automation.rest;

import dev.labfleet.automation.support.LabStandIn;
import dev.labfleet.automation.support.SimLabs;
import dev.labfleet.automation.support.TopologyStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class WorkflowTest {

    @Inject
    Pool pool;

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String addressingScript() {
        Map<String, Object> s = new HashMap<>();
        s.put("name", unique("wf-addr"));
        s.put("kind", "vpcs");
        s.put("body", "ip {ip}/24\n");
        s.put("variables", List.of(Map.of("name", "ip", "type", "ip", "required", true)));
        given().contentType(ContentType.JSON).body(s).when().post("/api/v1/scripts").then().statusCode(201);
        return (String) s.get("name");
    }

    static String pingScript() {
        Map<String, Object> s = new HashMap<>();
        s.put("name", unique("wf-ping"));
        s.put("kind", "vpcs");
        s.put("body", "ping {peer} -c 1\n");
        s.put("variables", List.of(Map.of("name", "peer", "type", "ip", "required", true)));
        given().contentType(ContentType.JSON).body(s).when().post("/api/v1/scripts").then().statusCode(201);
        return (String) s.get("name");
    }

    static JsonPath post(Map<String, Object> workflow, int status) {
        return given().contentType(ContentType.JSON).body(workflow).when().post("/api/v1/workflows")
                .then().statusCode(status).contentType(status == 201 ? "application/json" : "application/problem+json")
                .extract().jsonPath();
    }

    static Map<String, Object> step(Object... pairs) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    void aWorkflowIsCheckedBeforeItIsSavedAndEveryProblemNamesItsStep() {
        String script = addressingScript();
        JsonPath unknown = post(Map.of("name", unique("wf"), "steps", List.of(
                step("id", "one", "kind", "wait", "seconds", 1),
                step("id", "two", "kind", "teleport"))), 400);
        assertThat(unknown.getString("violations[0].field")).isEqualTo("steps[1] (two).kind");
        assertThat(unknown.getString("violations[0].message")).contains("unknown step kind 'teleport'");

        JsonPath cycle = post(Map.of("name", unique("wf"), "steps", List.of(
                step("id", "a", "kind", "wait", "seconds", 1, "dependsOn", List.of("b")),
                step("id", "b", "kind", "wait", "seconds", 1, "dependsOn", List.of("a")))), 400);
        assertThat(cycle.getString("detail")).contains("dependency cycle: a -> b -> a");
        assertThat(cycle.getString("violations[0].field")).isEqualTo("steps[0] (a).dependsOn");

        JsonPath refs = post(Map.of("name", unique("wf"), "variables", List.of(Map.of("name", "lab", "type", "string")),
                "steps", List.of(
                        step("id", "run", "kind", "runScript", "script", "no-such-script-" + UUID.randomUUID()),
                        step("id", "snap", "kind", "snapshot", "name", "{lab}-{missing}", "dependsOn", List.of("nope")),
                        step("id", "get", "kind", "setVariable", "variable", "x", "from", "later", "regex", "("),
                        step("id", "later", "kind", "runScript", "script", script))), 400);
        List<String> fields = refs.getList("violations.field");
        assertThat(fields).contains("steps[0] (run).script", "steps[1] (snap).dependsOn", "steps[1] (snap).name",
                "steps[2] (get).regex", "steps[2] (get).from");
        assertThat(refs.getString("violations.find { it.field == 'steps[1] (snap).name' }.message"))
                .contains("'missing'");

        given().contentType(ContentType.JSON).body("{\"name\": \"x\", \"steps\": [").when().post("/api/v1/workflows")
                .then().statusCode(400).contentType("application/problem+json");
        post(Map.of("name", unique("wf"), "steps", List.of()), 400);
    }

    @Test
    void aWorkflowAddressesValidatesSetsAVariableWaitsForApprovalAndFinishes() {
        SimLabs.Lab lab = SimLabs.pairs(2);
        String address = addressingScript();
        String ping = pingScript();
        String workflowId = post(Map.of("name", unique("wf"),
                "variables", List.of(Map.of("name", "net", "type", "string", "default", "10.21.0")),
                "steps", List.of(
                        step("id", "address", "kind", "runScript", "script", address, "nodeVariables", Map.of(
                                "PC1", Map.of("ip", "10.21.0.1"), "PC2", Map.of("ip", "10.21.0.2"))),
                        step("id", "check", "kind", "validate", "script", ping, "nodes", List.of("PC1"),
                                "variables", Map.of("peer", "{net}.2"),
                                "assertions", List.of(Map.of("type", "pingLoss", "maxLossPercent", 0, "retries", 5,
                                        "intervalMs", 200))),
                        step("id", "rtt", "kind", "setVariable", "variable", "replyFrom", "from", "check",
                                "regex", "bytes from (\\S+)"),
                        step("id", "pause", "kind", "wait", "seconds", 0.2),
                        step("id", "ok", "kind", "approval"))), 201).getString("id");

        String run = given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId()))
                .when().post("/api/v1/workflows/" + workflowId + "/executions")
                .then().statusCode(202).header("Location", containsString("/api/v1/workflow-executions/"))
                .extract().path("id");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> "waiting-approval"
                .equals(given().when().get("/api/v1/workflow-executions/" + run).then().extract().path("status")));
        JsonPath waiting = given().when().get("/api/v1/workflow-executions/" + run).then().extract().jsonPath();
        assertThat(waiting.getString("nextStepId")).isEqualTo("ok");
        assertThat(waiting.getString("variables.replyFrom")).isEqualTo("10.21.0.2");
        assertThat(waiting.getList("steps.status")).containsExactly("succeeded", "succeeded", "succeeded", "succeeded",
                "waiting");
        assertThat(waiting.getList("steps.attempts")).containsOnly(1);

        given().when().post("/api/v1/workflow-executions/" + run + "/resume").then().statusCode(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> "succeeded"
                .equals(given().when().get("/api/v1/workflow-executions/" + run).then().extract().path("status")));
        given().when().get("/api/v1/workflow-executions/" + run).then().body("steps[4].status", equalTo("approved"));
        given().when().post("/api/v1/workflow-executions/" + run + "/resume").then().statusCode(409);
        given().when().get("/api/v1/workflows/" + workflowId + "/executions").then().statusCode(200)
                .body("id", hasItem(run));
    }

    @Test
    void anotherReplicaTakesOverAnExpiredRunAndNeverRepeatsAStepThatStartedSomething() {
        SimLabs.Lab lab = SimLabs.pairs(2);
        String address = addressingScript();
        String workflowId = post(Map.of("name", unique("wf"), "steps", List.of(
                step("id", "address", "kind", "runScript", "script", address, "nodes", List.of("PC1"),
                        "variables", Map.of("ip", "10.22.0.1")),
                step("id", "pause", "kind", "wait", "seconds", 0.1))), 201).getString("id");
        // the script execution a dead replica's first attempt of step 0 had started, and finished meanwhile
        String scriptId = given().when().get("/api/v1/scripts").then().extract().jsonPath()
                .getString("find { it.name == '" + address + "' }.id");
        String execution = given().contentType(ContentType.JSON).body(Map.of("projectId", lab.projectId(),
                        "nodes", List.of("PC1"), "variables", Map.of("ip", "10.22.0.1")))
                .when().post("/api/v1/scripts/" + scriptId + "/executions").then().statusCode(202).extract().path("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(given().when()
                .get("/api/v1/executions/" + execution).then().extract().path("status")));

        // the run as a dead replica left it: step 0 written as running (its script execution's id recorded), its
        // lease expired a minute ago
        List<Object> definition = given().when().get("/api/v1/workflows/" + workflowId).then().extract().jsonPath()
                .getList("steps");
        String definitionSteps = new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(definition).toString();
        UUID run = UUID.randomUUID();
        OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1);
        String results = "[{\"id\":\"address\",\"kind\":\"runScript\",\"status\":\"running\",\"attempts\":1,"
                + "\"idempotencyKey\":\"" + run + ":0\",\"ref\":\"" + execution + "\",\"startedAt\":\"" + past + "\"}]";
        pool.preparedQuery("insert into workflow_run (id, workflow_id, workflow_name, workflow_version, steps, "
                        + "project_id, status, next_step, variables, results, owner, lease_until, takeovers, created_at, "
                        + "updated_at) values ($1, $2, 'dead replica run', 1, $3, $4, 'running', 0, '{}', $5, "
                        + "'automation-dead', $6, 0, $6, $6)")
                .execute(Tuple.tuple(List.of(run, UUID.fromString(workflowId), definitionSteps,
                        UUID.fromString(lab.projectId()), results, past)))
                .await().atMost(Duration.ofSeconds(10));

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300)).until(() -> "succeeded"
                .equals(given().when().get("/api/v1/workflow-executions/" + run).then().extract().path("status")));
        JsonPath done = given().when().get("/api/v1/workflow-executions/" + run).then().extract().jsonPath();
        assertThat(done.getInt("takeovers")).isEqualTo(1);
        assertThat(done.getString("steps[0].ref")).isEqualTo(execution);
        assertThat(done.getInt("steps[0].attempts")).isEqualTo(2);
        assertThat(done.getString("steps[0].idempotencyKey")).isEqualTo(run + ":0");
        // the step was taken up again, but the script did not run a second time
        given().when().get("/api/v1/executions?projectId=" + lab.projectId()).then().body("size()", equalTo(1));
        given().when().get("/q/metrics").then().body(containsString("labfleet_automation_workflow_leases_taken_over_total"));
    }

    static String startRun(String workflowId, String projectId) {
        return given().contentType(ContentType.JSON).body(Map.of("projectId", projectId))
                .when().post("/api/v1/workflows/" + workflowId + "/executions").then().statusCode(202)
                .extract().path("id");
    }

    static JsonPath runView(String run) {
        return given().when().get("/api/v1/workflow-executions/" + run).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void aWaitUntilStatusPollsTheNodesUntilTheyGetThereAndFailsNamingTheNodeThatDidNot() {
        SimLabs.Lab lab = SimLabs.pairs(2);
        SimLabs.stop(lab, "PC2");
        String workflowId = post(Map.of("name", unique("wf-wait"), "steps", List.of(
                step("id", "pc1", "kind", "wait", "untilStatus", "started", "nodes", List.of("PC1"),
                        "timeoutSeconds", 10),
                step("id", "pc2", "kind", "wait", "untilStatus", "started", "nodes", List.of("PC2"),
                        "timeoutSeconds", 60),
                step("id", "all", "kind", "wait", "untilStatus", "started", "timeoutSeconds", 10))), 201)
                .getString("id");
        String run = startRun(workflowId, lab.projectId());
        // the run waits on PC2 (stopped) ...
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath r = runView(run);
            return "pc2".equals(r.getString("nextStepId")) && "running".equals(r.getString("steps[1].status"));
        });
        assertThat(runView(run).getString("steps[0].status")).isEqualTo("succeeded");
        // ... and still does a moment later: it is not a step that passes by itself
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(250))
                .until(() -> "running".equals(runView(run).getString("steps[1].status")));
        // PC2 started by someone else: the wait sees it and the run goes on
        SimLabs.gns3().when().post("/v2/projects/" + lab.projectId() + "/nodes/" + lab.node("PC2") + "/start")
                .then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "succeeded".equals(runView(run).getString("status")));
        assertThat(runView(run).getList("steps.status")).containsExactly("succeeded", "succeeded", "succeeded");
        assertThat(runView(run).getString("steps[2].output")).isEqualTo("every node is started");

        // a node that never gets there fails the step after its timeout, naming the node and its status
        SimLabs.stop(lab, "PC1");
        String failing = post(Map.of("name", unique("wf-wait"), "steps", List.of(
                step("id", "never", "kind", "wait", "untilStatus", "started", "timeoutSeconds", 1.5),
                step("id", "after", "kind", "wait", "seconds", 0.1))), 201).getString("id");
        String second = startRun(failing, lab.projectId());
        await().atMost(Duration.ofSeconds(30)).until(() -> "failed".equals(runView(second).getString("status")));
        JsonPath failed = runView(second);
        assertThat(failed.getString("steps[0].status")).isEqualTo("failed");
        assertThat(failed.getString("steps[0].error")).contains("did not reach started within 1.5 s")
                .contains("PC1 is stopped");
        assertThat(failed.getString("error")).startsWith("step never (wait) failed");
        assertThat(failed.getList("steps")).hasSize(1);

        // a status GNS3 never reports is refused when the workflow is saved
        JsonPath refused = post(Map.of("name", unique("wf-wait"), "steps", List.of(
                step("id", "typo", "kind", "wait", "untilStatus", "strated"))), 400);
        assertThat(refused.getString("violations[0].field")).isEqualTo("steps[0] (typo).untilStatus");
    }

    @Test
    void anApplyTopologyStepFollowsTheApplyOperationUntilItEndsAndFailsOnAPartialApply() {
        SimLabs.Lab lab = SimLabs.pairs(2);
        Map<String, Object> spec = Map.of("nodes", List.of(Map.of("name", "R1", "template", "vpcs")));
        String workflowId = post(Map.of("name", unique("wf-apply"), "steps", List.of(
                step("id", "apply", "kind", "applyTopology", "spec", spec))), 201).getString("id");
        String run = startRun(workflowId, lab.projectId());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> !"running".equals(runView(run).getString("status")));
        // topology-service answered 202 (the apply still running): the step read the operation until it ended
        JsonPath done = runView(run);
        assertThat(done.getString("status")).isEqualTo("succeeded");
        assertThat(done.getString("steps[0].output")).contains("\"status\":\"APPLIED\"");
        assertThat(LabStandIn.topology().polls(lab.projectId())).isEqualTo(TopologyStandIn.POLLS + 1);
        // no request held for the whole apply: the PUT asked topology-service for a short wait only
        assertThat(LabStandIn.topology().requests).anyMatch(r -> r.equals("PUT /api/v1/projects/" + lab.projectId()
                + "/topology?wait=20s"));

        // an apply that ends PARTIAL fails the step, saying how many changes failed
        SimLabs.Lab other = SimLabs.pairs(2);
        Map<String, Object> broken = Map.of("nodes", List.of(Map.of("name", "broken", "template", "vpcs")));
        String failing = post(Map.of("name", unique("wf-apply"), "steps", List.of(
                step("id", "apply", "kind", "applyTopology", "spec", broken))), 201).getString("id");
        String second = startRun(failing, other.projectId());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "failed".equals(runView(second).getString("status")));
        assertThat(runView(second).getString("steps[0].error")).isEqualTo("apply ended PARTIAL (1 failed, 0 skipped)");
        assertThat(LabStandIn.topology().polls(other.projectId())).isEqualTo(TopologyStandIn.POLLS + 1);
    }
}
