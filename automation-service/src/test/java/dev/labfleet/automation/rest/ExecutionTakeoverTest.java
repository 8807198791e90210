package dev.labfleet.automation.rest;

import dev.labfleet.automation.support.LabStandIn;
import dev.labfleet.automation.support.SimLabs;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.labfleet.automation.rest.ExecutionAcceptanceTest.finished;
import static dev.labfleet.automation.rest.ExecutionAcceptanceTest.run;
import static dev.labfleet.automation.rest.ExecutionAcceptanceTest.script;
import static dev.labfleet.automation.rest.ExecutionAcceptanceTest.vpcs;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

/**
 * A script execution whose replica died (it stopped renewing the row) is taken over by another replica: nodes with an
 * outcome keep it, the node cut mid-session and the pending ones run here. The rows are written as the dead replica
 * left them; this application is the replica that finds them.
 */
@QuarkusTest
@QuarkusTestResource(LabStandIn.class)
class ExecutionTakeoverTest {

    private static final String COMMANDS = "[{\"type\":\"command\",\"text\":\"ip %s/24\"}]";

    @Inject
    Pool pool;

    @Test
    void anotherReplicaRunsTheNodesADeadReplicaLeftAndKeepsTheOnesThatHadEnded() {
        SimLabs.Lab lab = SimLabs.pairs(4);
        // a first run gives the lab's server id as the service resolves it
        String scriptId = script(vpcs("ip {ip}/24\n", List.of(Map.of("name", "ip", "type", "ip", "required", true)),
                List.of(Map.of("type", "match", "pattern", ": 10\\.24\\.0\\.\\d+ 255"))));
        JsonPath first = finished(run(scriptId, Map.of("projectId", lab.projectId(), "nodes", List.of("PC4"),
                "variables", Map.of("ip", "10.24.0.4"))), Duration.ofSeconds(30));
        assertThat(first.getString("status")).as(first.prettify()).isEqualTo("succeeded");
        UUID serverId = UUID.fromString(first.getString("serverId"));

        UUID execution = UUID.randomUUID();
        OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1);
        insertExecution(execution, UUID.fromString(scriptId), UUID.fromString(lab.projectId()), serverId, past, 0,
                "[{\"type\":\"match\",\"pattern\":\": 10\\\\.24\\\\.0\\\\.\\\\d+ 255\"}]", 5_000L);
        insertNode(execution, 0, lab, "PC1", "succeeded", "PC1> ip 10.24.0.1/24 (as the dead replica recorded it)",
                past);
        insertNode(execution, 1, lab, "PC2", "running", null, past);
        insertNode(execution, 2, lab, "PC3", "pending", null, null);

        JsonPath done = finished(execution.toString(), Duration.ofSeconds(60));
        assertThat(done.getString("status")).as(done.prettify()).isEqualTo("succeeded");
        Map<String, Map<String, Object>> nodes = byName(done);
        assertThat(nodes.get("PC1")).as("a node that had ended keeps its record")
                .containsEntry("status", "succeeded").containsEntry("attempts", 1)
                .containsEntry("transcript", "PC1> ip 10.24.0.1/24 (as the dead replica recorded it)");
        assertThat(nodes.get("PC2")).as("the node cut mid-session ran again").containsEntry("status", "succeeded")
                .containsEntry("attempts", 2);
        assertThat((String) nodes.get("PC2").get("transcript")).contains("ip 10.24.0.2/24");
        assertThat(nodes.get("PC2").get("assertions").toString()).as("the stored assertions were checked")
                .contains("passed=true");
        assertThat(nodes.get("PC3")).as("a pending node ran").containsEntry("status", "succeeded")
                .containsEntry("attempts", 1);
        assertThat((String) nodes.get("PC3").get("transcript")).contains("ip 10.24.0.3/24");

        Row row = pool.preparedQuery("select owner, takeovers from execution where id = $1").execute(Tuple.of(execution))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(row.getString("owner")).as("owner").isNotEqualTo("automation-dead").startsWith("automation-");
        assertThat(row.getInteger("takeovers")).isEqualTo(1);
        given().when().get("/q/metrics").then().body(containsString(
                "labfleet_automation_executions_taken_over_total{outcome=\"resumed\"}"));
    }

    @Test
    void anExecutionTakenOverTooOftenOrFromBeforeTakeoversIsInterruptedWithItsRecordsKept() {
        SimLabs.Lab lab = SimLabs.pairs(2);
        UUID serverId = UUID.randomUUID();
        OffsetDateTime past = OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1);
        UUID poison = UUID.randomUUID();
        insertExecution(poison, UUID.randomUUID(), UUID.fromString(lab.projectId()), serverId, past, 5, "[]", 5_000L);
        insertNode(poison, 0, lab, "PC1", "succeeded", "done before", past);
        insertNode(poison, 1, lab, "PC2", "running", null, past);
        UUID old = UUID.randomUUID();
        insertExecution(old, UUID.randomUUID(), UUID.fromString(lab.projectId()), serverId, past, 0, null, null);
        insertNode(old, 0, lab, "PC1", "pending", null, null);

        JsonPath poisoned = finished(poison.toString(), Duration.ofSeconds(30));
        assertThat(poisoned.getString("status")).isEqualTo("interrupted");
        assertThat(poisoned.getString("error")).contains("taken over 5 times");
        Map<String, Map<String, Object>> nodes = byName(poisoned);
        assertThat(nodes.get("PC1")).containsEntry("status", "succeeded").containsEntry("transcript", "done before");
        assertThat(nodes.get("PC2")).containsEntry("status", "failed")
                .containsEntry("error", "the replica running it stopped");

        JsonPath before = finished(old.toString(), Duration.ofSeconds(30));
        assertThat(before.getString("status")).as("an execution from before takeovers").isEqualTo("interrupted");
        assertThat(before.getString("nodes[0].status")).isEqualTo("failed");
        given().when().get("/q/metrics").then().body(containsString(
                "labfleet_automation_executions_taken_over_total{outcome=\"interrupted\"}"));
    }

    private void insertExecution(UUID id, UUID scriptId, UUID projectId, UUID serverId, OffsetDateTime heartbeat,
                                 int takeovers, String assertions, Long commandTimeoutMs) {
        pool.preparedQuery("insert into execution (id, script_id, script_name, script_version, kind, project_id, "
                        + "server_id, status, concurrency, node_timeout_ms, stop_on_first_error, variables, "
                        + "cancel_requested, owner, created_at, heartbeat_at, prompt_regex, command_timeout_ms, "
                        + "assertions, takeovers) values ($1, $2, 'left by a dead replica', 1, 'vpcs', $3, $4, "
                        + "'running', 4, 30000, false, '{}', false, 'automation-dead', $5, $5, null, $6, $7, $8)")
                .execute(Tuple.tuple(List.of(id, scriptId, projectId, serverId, heartbeat))
                        .addLong(commandTimeoutMs).addString(assertions).addInteger(takeovers))
                .await().atMost(Duration.ofSeconds(10));
    }

    private void insertNode(UUID execution, int position, SimLabs.Lab lab, String name, String status,
                            String transcript, OffsetDateTime startedAt) {
        String ip = "10.24.0." + name.substring(2);
        pool.preparedQuery("insert into execution_node (id, execution_id, position, node_id, node_name, status, "
                        + "commands, transcript, transcript_truncated, started_at, finished_at) "
                        + "values ($1, $2, $3, $4, $5, $6, $7, $8, false, $9, $10)")
                .execute(Tuple.tuple(List.of(UUID.randomUUID(), execution, position, lab.node(name), name, status,
                                COMMANDS.formatted(ip)))
                        .addString(transcript).addOffsetDateTime(startedAt)
                        .addOffsetDateTime("succeeded".equals(status) ? startedAt : null))
                .await().atMost(Duration.ofSeconds(10));
    }

    private static Map<String, Map<String, Object>> byName(JsonPath view) {
        List<Map<String, Object>> nodes = view.getList("nodes");
        return nodes.stream().collect(java.util.stream.Collectors.toMap(n -> (String) n.get("nodeName"), n -> n));
    }
}
