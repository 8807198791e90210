package dev.labfleet.automation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.automation.script.VariableSpec;
import dev.labfleet.automation.workflow.StepSpec;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A saved workflow; {@code version} grows on every change and runs record the one they ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowView(UUID id, String name, String description, List<VariableSpec> variables,
                           List<StepSpec> steps, int version, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
