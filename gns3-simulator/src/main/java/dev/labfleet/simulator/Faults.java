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

    enum Kind { LATENCY, ERROR, HANG, HOLD }

    /** A request held by a {@link #hold(String)} rule: its key and how to answer it once released. */
    private record Held(String key, Runnable answer) {
    }

    record Rule(Kind kind, String pattern, Pattern regex, long ms, double rate) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Gns3Simulator simulator;
    private volatile boolean quietCaptures;
    private volatile StartTime startTime;
    private final List<Held> held = new java.util.ArrayList<>();

    /**
     * How long a node's start takes: {@code ms} ± {@code jitterMs}, at most {@code slots} starts at once; the node shows
     * {@code started} {@code statusLagMs} after its start's answer.
     */
    record StartTime(long ms, long jitterMs, int slots, long statusLagMs) {
        long draw() {
            return jitterMs <= 0 ? ms : Math.max(0, ms - jitterMs + ThreadLocalRandom.current().nextLong(2 * jitterMs + 1));
        }
    }

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
     * Matching requests wait, unanswered, until {@link #release(String)} with the same pattern (or {@link #clear()},
     * {@link #restore()}, the simulator's reset); then each is handled as if it had just arrived (other faults
     * included). Unlike {@link #hang(String)}, whose requests are never answered, this lets a test decide when a
     * request gets its answer, e.g. to keep one node's start under way while others go on.
     */
    public Faults hold(String pattern) {
        synchronized (held) {
            rules.add(new Rule(Kind.HOLD, pattern, compile(pattern), 0, 1));
        }
        return this;
    }

    /**
     * Drops the {@link #hold(String)} rules with exactly this pattern, and answers the requests they held (those that
     * no other hold rule matches), in the order they came.
     */
    public Faults release(String pattern) {
        List<Runnable> answers = new java.util.ArrayList<>();
        synchronized (held) {
            rules.removeIf(r -> r.kind() == Kind.HOLD && r.pattern().equals(pattern));
            for (java.util.Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (!matches(Kind.HOLD, h.key())) {
                    answers.add(h.answer());
                    it.remove();
                }
            }
        }
        answers.forEach(Runnable::run);
        return this;
    }

    /** How many requests a hold rule keeps waiting. */
    public int heldCount() {
        synchronized (held) {
            return held.size();
        }
    }

    /** True when a hold rule matches {@code methodAndPath}: then {@code answer} runs once the rule is released. */
    boolean held(String methodAndPath, Runnable answer) {
        synchronized (held) {
            if (!matches(Kind.HOLD, methodAndPath)) {
                return false;
            }
            held.add(new Held(methodAndPath, answer));
            return true;
        }
    }

    private boolean matches(Kind kind, String methodAndPath) {
        return rules.stream().anyMatch(r -> r.kind() == kind && r.regex().matcher(methodAndPath).matches());
    }

    /** Drops every hold rule and answers what they held. */
    private void releaseAll() {
        List<Runnable> answers;
        synchronized (held) {
            rules.removeIf(r -> r.kind() == Kind.HOLD);
            answers = held.stream().map(Held::answer).toList();
            held.clear();
        }
        answers.forEach(Runnable::run);
    }

    /**
     * Captures started from now on write their pcap global header only with their first frame, as uBridge's buffered
     * libpcap file does on a real GNS3: a quiet link's {@code /pcap} then answers its status and headers and no byte.
     */
    public Faults quietCaptures() {
        quietCaptures = true;
        return this;
    }

    /**
     * A node's start takes time, as on a real GNS3 where the compute spawns the emulator and its uBridge: from now on
     * each start of a node that runs a process takes {@code ms} ± {@code jitterMs} (uniformly), and the compute starts
     * at most {@code slots} nodes at once (the others wait their turn), wherever the start comes from: one node's
     * {@code POST .../nodes/{id}/start} answers when its node has started, the project's bulk
     * {@code POST .../nodes/start} hands every node to the compute at once and answers when all have started. The node
     * shows {@code stopped} until its start is over. Stands in for GNS3's own start times in benchmarks (#17 item 7).
     */
    public Faults nodeStartTime(long ms, long jitterMs, int slots) {
        return nodeStartTime(ms, jitterMs, slots, 0);
    }

    /**
     * As {@link #nodeStartTime(long, long, int)}, and a real GNS3's lag: its controller answers a start (and the bulk
     * start) when the compute is done, but learns the node's new status from the compute's {@code node.updated}
     * notification, which comes a little later; so the answer still shows the node {@code stopped}, and the node shows
     * {@code started} (and its notification goes out) {@code statusLagMs} after the answer.
     */
    public Faults nodeStartTime(long ms, long jitterMs, int slots, long statusLagMs) {
        if (ms < 0 || jitterMs < 0 || slots < 1 || statusLagMs < 0) {
            throw new IllegalArgumentException("a start time needs ms >= 0, jitterMs >= 0, slots >= 1 and statusLagMs >= 0");
        }
        startTime = new StartTime(ms, jitterMs, slots, statusLagMs);
        return this;
    }

    StartTime startTime() {
        return startTime;
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
        releaseAll();
        rules.clear();
        quietCaptures = false;
        startTime = null;
        simulator.startListening();
    }

    public void clear() {
        releaseAll();
        rules.clear();
        quietCaptures = false;
        startTime = null;
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
