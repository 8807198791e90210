package dev.labfleet.automation.script;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A typed variable of a script or workflow.
 *
 * @param name         how the body refers to it ({@code {name}}); letters, digits and {@code _}, not starting with a digit
 * @param type         {@code string}, {@code integer}, {@code number}, {@code boolean}, {@code ip}, {@code cidr} or {@code list}
 * @param required     a run without a value (and without a default) is refused
 * @param defaultValue used when a run gives no value ({@code default} in JSON and YAML)
 * @param allowed      when set, the only values a run may give
 * @param description  for people
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VariableSpec(String name, String type, Boolean required,
                           @JsonProperty("default") JsonNode defaultValue, List<JsonNode> allowed,
                           String description) {

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isRequired() {
        return Boolean.TRUE.equals(required);
    }

    public VariableSpec withDefault(JsonNode value) {
        return new VariableSpec(name, type, required, value, allowed, description);
    }
}
