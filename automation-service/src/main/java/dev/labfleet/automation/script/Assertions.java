package dev.labfleet.automation.script;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Evaluating one assertion on a command's output. */
public final class Assertions {

    private static final Pattern VPCS_REPLY = Pattern.compile("(?m)bytes from \\S+ icmp_seq=\\d+");
    private static final Pattern VPCS_LOST = Pattern.compile("(?m)icmp_seq=\\d+ timeout|host \\(\\S+\\) not reachable"
            + "|Destination host unreachable");
    private static final Pattern IOS_RATE = Pattern.compile("Success rate is (\\d+) percent");
    private static final Pattern LOSS = Pattern.compile("(\\d+(?:\\.\\d+)?)% packet loss");

    private Assertions() {
    }

    /**
     * An assertion's result on a node.
     *
     * @param evidence the text that decided it: the match, the ping summary, or why nothing could be decided
     * @param attempts how many times the output was checked (1 + retries used)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String name, String type, boolean passed, String evidence, int attempts) {
    }

    public static Result check(AssertionSpec a, String output, int attempts) {
        String type = a.type();
        if ("pingLoss".equals(type)) {
            int max = a.maxLossPercent() == null ? 0 : a.maxLossPercent();
            Double loss = pingLoss(output);
            if (loss == null) {
                return new Result(a.label(), type, false, "no ping result in the output: " + tail(output), attempts);
            }
            return new Result(a.label(), type, loss <= max, String.format(java.util.Locale.ROOT,
                    "%.0f%% loss (at most %d%% allowed)", loss, max), attempts);
        }
        Matcher m = Pattern.compile(a.pattern(), Pattern.MULTILINE).matcher(output);
        boolean found = m.find();
        if ("match".equals(type)) {
            return new Result(a.label(), type, found, found ? "matched: " + abbreviate(m.group())
                    : "not found in: " + tail(output), attempts);
        }
        return new Result(a.label(), type, !found, found ? "found: " + abbreviate(m.group())
                : "not found", attempts);
    }

    /** The loss of a ping's output in percent (VPCS replies and timeouts, IOS's success rate, a shell's summary). */
    static Double pingLoss(String output) {
        Matcher rate = IOS_RATE.matcher(output);
        if (rate.find()) {
            return 100.0 - Integer.parseInt(rate.group(1));
        }
        Matcher loss = LOSS.matcher(output);
        if (loss.find()) {
            return Double.parseDouble(loss.group(1));
        }
        int replies = count(VPCS_REPLY, output);
        int lost = count(VPCS_LOST, output);
        if (replies + lost == 0) {
            return null;
        }
        return 100.0 * lost / (replies + lost);
    }

    private static int count(Pattern p, String text) {
        int n = 0;
        Matcher m = p.matcher(text);
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }

    private static String tail(String text) {
        String t = text.strip();
        return t.isEmpty() ? "(no output)" : t.length() <= 200 ? t : "..." + t.substring(t.length() - 197);
    }
}
