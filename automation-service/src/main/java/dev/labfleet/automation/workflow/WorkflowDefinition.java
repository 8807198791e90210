package dev.labfleet.automation.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.labfleet.automation.script.VariableSpec;

import java.util.List;

/** A workflow as written: named, with typed variables and steps. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkflowDefinition(String name, String description, List<VariableSpec> variables,
                                 List<StepSpec> steps) {
}
