package dev.labfleet.automation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.automation.workflow.StepResult;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A durable workflow execution: where it is, each step's result, who runs it and how often it was taken over. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowRunView(UUID id, UUID workflowId, String workflowName, int workflowVersion, UUID projectId,
                              String status, int nextStep, String nextStepId, JsonNode variables,
                              List<StepResult> steps, String owner, OffsetDateTime leaseUntil, int takeovers,
                              OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime finishedAt,
                              String error) {
}
