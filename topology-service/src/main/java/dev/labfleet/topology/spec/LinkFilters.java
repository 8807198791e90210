package dev.labfleet.topology.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Link conditions to and from GNS3 link filters ({@code {"packet_loss": [10], "delay": [100, 10], ...}}). */
public final class LinkFilters {

    public static final String FREQUENCY_DROP = "frequency_drop";
    public static final String PACKET_LOSS = "packet_loss";
    public static final String DELAY = "delay";
    public static final String CORRUPT = "corrupt";
    public static final String BPF = "bpf";

    private LinkFilters() {
    }

    /** GNS3 filters for these conditions; empty when there are none. */
    public static Map<String, List<Object>> toGns3(LinkConditions c) {
        Map<String, List<Object>> filters = new LinkedHashMap<>();
        if (c == null) {
            return filters;
        }
        if (c.frequencyDrop() != null) {
            filters.put(FREQUENCY_DROP, List.of(c.frequencyDrop()));
        }
        if (c.packetLoss() != null) {
            filters.put(PACKET_LOSS, List.of(c.packetLoss()));
        }
        if (c.delay() != null || c.jitter() != null) {
            filters.put(DELAY, List.of(c.delay() == null ? 0 : c.delay(), c.jitter() == null ? 0 : c.jitter()));
        }
        if (c.corruption() != null) {
            filters.put(CORRUPT, List.of(c.corruption()));
        }
        if (c.bpf() != null && !c.bpf().isBlank()) {
            filters.put(BPF, List.of(c.bpf()));
        }
        return filters;
    }

    /**
     * Conditions for GNS3 filters as a GNS3 link reports them; filters GNS3 reports with no values count as absent.
     * Returns null when there are none.
     */
    public static LinkConditions fromGns3(Map<String, List<Object>> filters) {
        if (filters == null || filters.isEmpty()) {
            return null;
        }
        Integer delay = intAt(filters.get(DELAY), 0);
        Integer jitter = intAt(filters.get(DELAY), 1);
        LinkConditions c = new LinkConditions(intAt(filters.get(PACKET_LOSS), 0), delay,
                jitter != null && jitter == 0 ? null : jitter, intAt(filters.get(CORRUPT), 0),
                intAt(filters.get(FREQUENCY_DROP), 0), textAt(filters.get(BPF)));
        return c.isEmpty() ? null : c;
    }

    /**
     * GNS3 filters in a comparable form: integral numbers as Integer, blank and empty filters dropped, so that
     * {@code {"delay": [50.0, 0]}} from one source equals {@code {"delay": [50, 0]}} from another.
     */
    public static Map<String, List<Object>> normalize(Map<String, ? extends List<?>> filters) {
        Map<String, List<Object>> out = new LinkedHashMap<>();
        if (filters == null) {
            return out;
        }
        filters.forEach((name, values) -> {
            if (values == null || values.isEmpty()) {
                return;
            }
            List<Object> normalized = new ArrayList<>();
            for (Object v : values) {
                if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
                    normalized.add((int) n.longValue());
                } else {
                    normalized.add(v);
                }
            }
            if (BPF.equals(name) && normalized.stream().allMatch(v -> v == null || v.toString().isBlank())) {
                return;
            }
            out.put(name, normalized);
        });
        return out;
    }

    private static Integer intAt(List<Object> values, int index) {
        if (values == null || values.size() <= index || !(values.get(index) instanceof Number n)) {
            return null;
        }
        return n.intValue();
    }

    private static String textAt(List<Object> values) {
        if (values == null || values.isEmpty() || values.get(0) == null) {
            return null;
        }
        String text = values.get(0).toString();
        return text.isBlank() ? null : text;
    }
}
