package dev.labfleet.automation.script;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A check on what a console printed.
 *
 * @param name           for the record (defaults to the type and the pattern)
 * @param type           {@code match} (the regex must be found), {@code notMatch} (must not be found) or
 *                       {@code pingLoss} (the ping output's loss at most {@code maxLossPercent})
 * @param pattern        the regex of {@code match}/{@code notMatch} (Java syntax, multiline)
 * @param maxLossPercent the most loss {@code pingLoss} accepts [0]
 * @param command        the 1-based number of the command whose output is checked [the last command]
 * @param retries        how many times the command is run again while the check fails [0]
 * @param intervalMs     the pause before each retry [1000]
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AssertionSpec(String name, String type, String pattern, Integer maxLossPercent, Integer command,
                            Integer retries, Long intervalMs) {

    @com.fasterxml.jackson.annotation.JsonIgnore
    public String label() {
        if (name != null && !name.isBlank()) {
            return name;
        }
        return "pingLoss".equals(type) ? "ping loss at most " + (maxLossPercent == null ? 0 : maxLossPercent) + "%"
                : type + " /" + pattern + "/";
    }
}
