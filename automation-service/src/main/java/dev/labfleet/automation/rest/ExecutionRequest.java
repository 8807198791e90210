package dev.labfleet.automation.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A run of a script on a lab's nodes.
 *
 * @param projectId          the lab
 * @param nodes              node ids or names; absent: every node the script's filter takes
 * @param variables          values of the script's variables
 * @param nodeVariables      per node (by name or id), values that override {@code variables} on that node
 * @param concurrency        nodes driven at once [labfleet.automation.execution.concurrency]
 * @param nodeTimeoutSeconds how long one node's session may take [labfleet.automation.execution.node-timeout]
 * @param stopOnFirstError   after the first failed node, nodes not yet started are skipped
 */
public record ExecutionRequest(UUID projectId, List<String> nodes, Map<String, JsonNode> variables,
                               Map<String, Map<String, JsonNode>> nodeVariables, Integer concurrency,
                               Double nodeTimeoutSeconds, Boolean stopOnFirstError) {
}
