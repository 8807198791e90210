package dev.labfleet.topology.plan;

import dev.labfleet.topology.spec.ResolvedTopology;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What differs between a lab and the spec last applied to it: the plan that would converge it, presented as
 * differences. A replaced node is one difference (its type), and its links' re-creation none.
 */
public final class Drift {

    private Drift() {
    }

    /**
     * One difference.
     *
     * @param kind        {@code node} or {@code link}
     * @param name        the node's name, or the link's ends ({@code PC1:e0 <-> SW1:e3})
     * @param field       the differing field, or null when the whole object is missing or extra
     * @param expected    the applied spec's value ({@code present} / {@code absent} for whole objects)
     * @param actual      GNS3's value ({@code missing} / {@code present})
     * @param description for people: {@code node PC1: x is 10, the spec says 20}
     */
    public record Difference(String kind, String name, String field, Object expected, Object actual,
                             String description) {
    }

    public static List<Difference> between(UUID projectId, ResolvedTopology applied, LiveTopology live) {
        return of(TopologyPlanner.plan(projectId, applied, live));
    }

    public static List<Difference> of(TopologyPlan plan) {
        List<Difference> out = new ArrayList<>();
        for (NodeChange c : plan.nodes()) {
            switch (c.action()) {
                case CREATE -> {
                    if (c.replace()) {
                        c.changes().forEach(f -> out.add(field("node", c.name(), f)));
                    } else {
                        out.add(new Difference("node", c.name(), null, "present", "missing",
                                "node " + c.name() + " is missing"));
                    }
                }
                case DELETE -> {
                    if (!c.replace()) {
                        out.add(new Difference("node", c.name(), null, "absent", "present",
                                "node " + c.name() + " is not in the spec"));
                    }
                }
                case UPDATE -> c.changes().forEach(f -> out.add(field("node", c.name(), f)));
            }
        }
        for (LinkChange c : plan.links()) {
            if (c.cascade()) {
                continue;
            }
            switch (c.action()) {
                case CREATE -> out.add(new Difference("link", c.description(), null, "present", "missing",
                        "link " + c.description() + " is missing"));
                case DELETE -> out.add(new Difference("link", c.description(), null, "absent", "present",
                        "link " + c.description() + " is not in the spec (" + c.reason() + ")"));
                case UPDATE -> c.changes().forEach(f -> out.add(field("link", c.description(), f)));
            }
        }
        return out;
    }

    private static Difference field(String kind, String name, FieldChange f) {
        return new Difference(kind, name, f.field(), f.to(), f.from(), kind + " " + name + ": " + f.field() + " is "
                + FieldChange.show(f.from()) + ", the spec says " + FieldChange.show(f.to()));
    }
}
