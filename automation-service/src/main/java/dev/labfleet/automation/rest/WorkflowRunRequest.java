package dev.labfleet.automation.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;

/**
 * A workflow run.
 *
 * @param projectId the lab the steps work on (optional when a createLab step makes it)
 * @param variables values of the workflow's variables
 */
public record WorkflowRunRequest(UUID projectId, Map<String, JsonNode> variables) {
}
