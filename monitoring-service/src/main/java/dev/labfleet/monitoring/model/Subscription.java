package dev.labfleet.monitoring.model;

import java.util.Set;

/**
 * What a stream client sees: the fleet (servers, labs and what concerns the whole fleet), one lab (its nodes, links,
 * traffic, health, anomalies), or only one lab's nodes.
 */
public record Subscription(Scope scope, String projectId) {

    public enum Scope { FLEET, PROJECT, NODES }

    private static final Set<String> FLEET_KINDS = Set.of("server", "lab", "health", "anomaly", "switch", "activeLab", "labTraffic");
    private static final Set<String> PROJECT_KINDS =
            Set.of("lab", "node", "link", "traffic", "labTraffic", "health", "anomaly", "switch", "activeLab");

    public static Subscription fleet() {
        return new Subscription(Scope.FLEET, null);
    }

    public static Subscription project(String projectId) {
        return new Subscription(Scope.PROJECT, projectId);
    }

    public static Subscription nodes(String projectId) {
        return new Subscription(Scope.NODES, projectId);
    }

    public boolean wants(Delta d) {
        return switch (scope) {
            case FLEET -> FLEET_KINDS.contains(d.kind());
            case PROJECT -> PROJECT_KINDS.contains(d.kind())
                    && (projectId.equals(d.projectId()) || d.kind().equals("switch") || d.kind().equals("activeLab"));
            case NODES -> d.kind().equals("node") && projectId.equals(d.projectId());
        };
    }
}
