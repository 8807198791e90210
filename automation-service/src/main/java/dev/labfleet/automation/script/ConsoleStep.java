package dev.labfleet.automation.script;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One rendered step of a console session.
 *
 * @param type      {@code command} (send a line, wait for the prompt), {@code send} (send a line, wait for nothing)
 *                  or {@code expect} (wait until the output matches {@code pattern})
 * @param text      the line sent ({@code command}, {@code send})
 * @param pattern   the regex awaited ({@code expect})
 * @param timeoutMs how long to wait; null: the script's or the service's command timeout
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ConsoleStep(String type, String text, String pattern, Long timeoutMs) {

    public static final String COMMAND = "command";
    public static final String SEND = "send";
    public static final String EXPECT = "expect";

    public static ConsoleStep command(String text) {
        return new ConsoleStep(COMMAND, text, null, null);
    }

    /** How the step reads in a transcript and a record: the command, or {@code expect /regex/}. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public String display() {
        return EXPECT.equals(type) ? "expect /" + pattern + "/" : text;
    }
}
