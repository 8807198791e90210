package dev.labfleet.automation.workflow;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.automation.script.AssertionSpec;

import java.util.List;
import java.util.Map;

/**
 * One step of a workflow. Which fields count depends on {@code kind}; string values may use the workflow's
 * variables as {@code {name}}.
 *
 * @param id            unique in the workflow; what {@code dependsOn} and {@code from} refer to
 * @param kind          {@code runScript}, {@code validate}, {@code createLab}, {@code applyTopology},
 *                      {@code startNodes}, {@code stopNodes}, {@code snapshot}, {@code restoreSnapshot}, {@code wait},
 *                      {@code setVariable} or {@code approval}
 * @param onFailure     {@code stop} (default), {@code continue} or {@code retry} ({@code retries} times)
 * @param dependsOn     steps that must run first (default: the order of the list)
 * @param script        runScript/validate: the script's name
 * @param nodes         runScript/validate/wait: node names or ids (default: the script's filter; wait: all)
 * @param variables     runScript/validate: the script's variables
 * @param nodeVariables runScript/validate: per-node values
 * @param concurrency   runScript/validate: nodes at once
 * @param assertions    validate: assertions checked on the script's output (besides the script's own)
 * @param spec          createLab: the lab ({@code name}, {@code serverId}...); applyTopology: the topology spec
 * @param name          snapshot/restoreSnapshot: the snapshot's name
 * @param seconds       wait: how long
 * @param untilStatus   wait: until the nodes have this status ({@code started}...), at most {@code timeoutSeconds}
 * @param variable      setVariable: the variable set
 * @param from          setVariable: the step whose output is read
 * @param regex         setVariable: its first group (or whole match) becomes the value
 * @param batchSize     startNodes/stopNodes: nodes per batch (staggered)
 * @param delayMs       startNodes/stopNodes: pause between batches
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StepSpec(String id, String kind, String onFailure, Integer retries, List<String> dependsOn,
                       String script, List<String> nodes, Map<String, JsonNode> variables,
                       Map<String, Map<String, JsonNode>> nodeVariables, Integer concurrency,
                       List<AssertionSpec> assertions, JsonNode spec, String name, Double seconds,
                       String untilStatus, Double timeoutSeconds, String variable, String from, String regex,
                       Integer batchSize, Long delayMs) {
}
