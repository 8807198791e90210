package dev.labfleet.simulator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Fault injection: latency, GNS3-shaped 500s, hanging requests per route pattern, and a full outage. A pattern is
 * "METHOD /path/with/*" ('*' matches one path segment, '**' anything; the method may be '*').
 */
public final class Faults {

    enum Kind { LATENCY, ERROR, HANG }

    record Rule(Kind kind, String pattern, Pattern regex, long ms, double rate) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Gns3Simulator simulator;
    private volatile boolean quietCaptures;

    Faults(Gns3Simulator simulator) {
        this.simulator = simulator;
    }

    /** Adds {@code ms} of latency to matching requests. */
    public Faults latency(String pattern, long ms) {
        rules.add(new Rule(Kind.LATENCY, pattern, compile(pattern), ms, 1));
        return this;
    }

    /** Answers a share ({@code rate} 0..1) of matching requests with GNS3's 500 and a Python traceback. */
    public Faults errors(String pattern, double rate) {
        rules.add(new Rule(Kind.ERROR, pattern, compile(pattern), 0, rate));
        return this;
    }

    /** Matching requests never get an answer. */
    public Faults hang(String pattern) {
        rules.add(new Rule(Kind.HANG, pattern, compile(pattern), 0, 1));
        return this;
    }

    /**
     * Captures started from now on write their pcap global header only with their first frame, as uBridge's buffered
     * libpcap file does on a real GNS3: a quiet link's {@code /pcap} then answers its status and headers and no byte.
     */
    public Faults quietCaptures() {
        quietCaptures = true;
        return this;
    }

    boolean capturesQuiet() {
        return quietCaptures;
    }

    /** Stops listening: connections are refused until {@link #restore()}. */
    public void outage() {
        simulator.stopListening();
    }

    /** Listens again on the same port, and drops every fault rule. */
    public void restore() {
        rules.clear();
        quietCaptures = false;
        simulator.startListening();
    }

    public void clear() {
        rules.clear();
        quietCaptures = false;
    }

    List<Rule> rules() {
        return rules;
    }

    long latencyFor(String methodAndPath) {
        return rules.stream().filter(r -> r.kind() == Kind.LATENCY && r.regex().matcher(methodAndPath).matches())
                .mapToLong(Rule::ms).sum();
    }

    boolean hangs(String methodAndPath) {
        return rules.stream().anyMatch(r -> r.kind() == Kind.HANG && r.regex().matcher(methodAndPath).matches());
    }

    boolean fails(String methodAndPath) {
        return rules.stream().anyMatch(r -> r.kind() == Kind.ERROR && r.regex().matcher(methodAndPath).matches()
                && ThreadLocalRandom.current().nextDouble() < r.rate());
    }

    static Pattern compile(String pattern) {
        String p = pattern.trim();
        int space = p.indexOf(' ');
        String method = space < 0 ? "*" : p.substring(0, space);
        String path = space < 0 ? p : p.substring(space + 1).trim();
        StringBuilder regex = new StringBuilder(method.equals("*") ? "[A-Z]+" : Pattern.quote(method.toUpperCase()));
        regex.append(' ');
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '*') {
                if (i + 1 < path.length() && path.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else {
                    regex.append("[^/]*");
                }
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
