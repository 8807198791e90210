package dev.labfleet.automation.script;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to talk to one kind of console: its prompt (a regex that must match at the very end of the output, after
 * carriage returns and ANSI colours are removed), its pager and how to turn the pager off, and its line ending.
 */
public enum Dialect {

    /** VPCS: {@code PC1> } (or {@code VPCS> } for a node not made from the template); no pager. */
    VPCS("vpcs", "(?:^|\\n)[\\w.-]+> ?\\z", List.of(), "\n"),
    /** Cisco IOS: {@code Router>}, {@code Router#}, {@code Router(config-if)#}. */
    CISCO_IOS("cisco_ios", "(?:^|\\n)[\\w.-]+(?:\\([\\w./-]+\\))?[>#] ?\\z", List.of("terminal length 0"), "\r"),
    /** Junos: {@code user@host>}, {@code user@host#} (after {@code [edit]} in configuration mode). */
    JUNIPER_JUNOS("juniper_junos", "(?:^|\\n)[\\w.-]+@[\\w.-]+[>#%] ?\\z", List.of("set cli screen-length 0"), "\n"),
    /** A Linux shell: a line ending in {@code $ } or {@code # }. */
    LINUX_SHELL("linux_shell", "(?:^|\\n)[^\\n]*[$#] \\z", List.of("export PAGER=cat", "unset PROMPT_COMMAND"), "\n"),
    /** Explicit {@code send}/{@code expect} pairs: no prompt of its own. */
    EXPECT("expect", null, List.of(), "\n"),
    /** Any other console: the script's own {@code promptRegex}. */
    CUSTOM("custom", null, List.of(), "\n");

    /** Pagers of the dialects above: {@code --More--} (IOS, shells), {@code ---(more)---} (Junos). */
    public static final Pattern PAGER = Pattern.compile("(?: ?--More-- ?|---\\(more(?: \\d+%)?\\)---| ?-- More -- ?)\\z");

    private final String id;
    private final Pattern prompt;
    private final List<String> pagingOff;
    private final String lineEnding;

    Dialect(String id, String prompt, List<String> pagingOff, String lineEnding) {
        this.id = id;
        this.prompt = prompt == null ? null : Pattern.compile(prompt);
        this.pagingOff = pagingOff;
        this.lineEnding = lineEnding;
    }

    public String id() {
        return id;
    }

    /** The dialect's prompt, or empty for {@code expect} and {@code custom}. */
    public Optional<Pattern> prompt() {
        return Optional.ofNullable(prompt);
    }

    /** Commands sent once after the first prompt, to turn paging off where the dialect can. */
    public List<String> pagingOff() {
        return pagingOff;
    }

    public String lineEnding() {
        return lineEnding;
    }

    public static Optional<Dialect> of(String kind) {
        if (kind == null) {
            return Optional.empty();
        }
        String wanted = kind.toLowerCase(Locale.ROOT);
        for (Dialect d : values()) {
            if (d.id.equals(wanted)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        StringBuilder out = new StringBuilder();
        for (Dialect d : values()) {
            out.append(out.isEmpty() ? "" : ", ").append(d.id);
        }
        return out.toString();
    }
}
