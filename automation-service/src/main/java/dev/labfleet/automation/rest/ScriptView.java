package dev.labfleet.automation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.labfleet.automation.script.AssertionSpec;
import dev.labfleet.automation.script.NodeFilter;
import dev.labfleet.automation.script.VariableSpec;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A script of the library; {@code version} grows on every change and executions record the one they ran. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScriptView(UUID id, String name, String description, String kind, String body,
                         List<VariableSpec> variables, NodeFilter nodeFilter, List<AssertionSpec> assertions,
                         String promptRegex, Double commandTimeoutSeconds,
                         @JsonProperty("isTemplate") boolean isTemplate, UUID templateId, int version,
                         OffsetDateTime createdAt, OffsetDateTime updatedAt) {
}
