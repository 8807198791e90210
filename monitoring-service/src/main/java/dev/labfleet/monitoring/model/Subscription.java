package dev.labfleet.monitoring.model;

import java.util.Set;
import java.util.function.Predicate;

/**
 * What a stream client sees: the fleet (servers, labs and what concerns the whole fleet), one lab (its nodes, links,
 * traffic, health, anomalies), or only one lab's nodes.
 */
public record Subscription(Scope scope, String projectId, Predicate<String> visible) {

    /** Every lab is visible (security off, an admin, or the suite itself). */
    public static final Predicate<String> ALL = projectId -> true;

    public enum Scope { FLEET, PROJECT, NODES }

    private static final Set<String> FLEET_KINDS = Set.of("server", "lab", "health", "anomaly", "switch", "activeLab", "labTraffic");
    private static final Set<String> PROJECT_KINDS =
            Set.of("lab", "node", "link", "traffic", "labTraffic", "health", "anomaly", "switch", "activeLab");

    public static Subscription fleet() {
        return fleet(ALL);
    }

    /** The fleet as a subscriber sees it: only the labs {@code visible} accepts (by project id). */
    public static Subscription fleet(Predicate<String> visible) {
        return new Subscription(Scope.FLEET, null, visible);
    }

    public static Subscription project(String projectId) {
        return new Subscription(Scope.PROJECT, projectId, ALL);
    }

    public static Subscription nodes(String projectId) {
        return new Subscription(Scope.NODES, projectId, ALL);
    }

    public boolean wants(Delta d) {
        return switch (scope) {
            // a lab's objects only reach subscribers who may see the lab (judged when each delta goes out)
            case FLEET -> FLEET_KINDS.contains(d.kind()) && (d.projectId() == null || visible.test(d.projectId()));
            case PROJECT -> PROJECT_KINDS.contains(d.kind())
                    && (projectId.equals(d.projectId()) || d.kind().equals("switch") || d.kind().equals("activeLab"));
            case NODES -> d.kind().equals("node") && projectId.equals(d.projectId());
        };
    }
}
