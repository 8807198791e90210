package dev.labfleet.simulator;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Requests served, per method and route template ("POST /v2/projects/{project_id}/nodes"), for assertions. */
public final class RequestCounts {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String method, String route) {
        counts.computeIfAbsent(method + " " + route, k -> new LongAdder()).increment();
    }

    /** Count of one "METHOD /route/template". */
    public long count(String methodAndRoute) {
        LongAdder adder = counts.get(methodAndRoute);
        return adder == null ? 0 : adder.sum();
    }

    /** Every counted route, sorted. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Requests that change state: POST, PUT, PATCH and DELETE under /v2. */
    public long writes() {
        return counts.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("GET ") && e.getKey().contains(" /v2/"))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public void clear() {
        counts.clear();
    }
}
