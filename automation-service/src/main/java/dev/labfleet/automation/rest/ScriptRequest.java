package dev.labfleet.automation.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.labfleet.automation.script.AssertionSpec;
import dev.labfleet.automation.script.NodeFilter;
import dev.labfleet.automation.script.VariableSpec;

import java.util.List;

/**
 * A script as created ({@code POST}), replaced ({@code PUT}) or imported.
 *
 * @param name                   unique in the library
 * @param kind                   the console dialect: {@code vpcs}, {@code cisco_ios}, {@code juniper_junos},
 *                               {@code linux_shell}, {@code expect} or {@code custom}
 * @param body                   a Qute template; one command per line once rendered
 * @param promptRegex            {@code custom} scripts' prompt (a regex matched at the end of the output)
 * @param commandTimeoutSeconds  how long a command may take to bring the prompt back
 * @param isTemplate             a template is instantiated into scripts rather than run
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScriptRequest(String name, String description, String kind, String body, List<VariableSpec> variables,
                            NodeFilter nodeFilter, List<AssertionSpec> assertions, String promptRegex,
                            Double commandTimeoutSeconds, @JsonProperty("isTemplate") Boolean isTemplate) {
}
