package dev.labfleet.topology.plan;

import java.util.List;
import java.util.UUID;

/**
 * What applying a spec to a lab changes. Apply in this order, so that ports are free before they are reused and
 * nodes exist before their links: link deletes, node deletes, node creates, node updates, link creates, link
 * updates. {@link #nodes} and {@link #links} are already in that order (deletes first, then the spec's order).
 * Changes within one step are independent of each other and may run concurrently.
 */
public record TopologyPlan(UUID projectId, Summary summary, List<NodeChange> nodes, List<LinkChange> links) {

    public TopologyPlan {
        nodes = List.copyOf(nodes);
        links = List.copyOf(links);
    }

    static TopologyPlan of(UUID projectId, List<NodeChange> nodes, List<LinkChange> links) {
        return new TopologyPlan(projectId, Summary.of(nodes, links), nodes, links);
    }

    /** True when the lab already is as the spec says. */
    public boolean noChanges() {
        return nodes.isEmpty() && links.isEmpty();
    }

    public List<NodeChange> nodes(Action action) {
        return nodes.stream().filter(c -> c.action() == action).toList();
    }

    public List<LinkChange> links(Action action) {
        return links.stream().filter(c -> c.action() == action).toList();
    }

    /** Counts per action. */
    public record Summary(int nodesToCreate, int nodesToUpdate, int nodesToDelete, int linksToCreate,
                          int linksToUpdate, int linksToDelete) {

        static Summary of(List<NodeChange> nodes, List<LinkChange> links) {
            int[] n = new int[3];
            int[] l = new int[3];
            nodes.forEach(c -> n[c.action().ordinal()]++);
            links.forEach(c -> l[c.action().ordinal()]++);
            return new Summary(n[0], n[1], n[2], l[0], l[1], l[2]);
        }

        public int total() {
            return nodesToCreate + nodesToUpdate + nodesToDelete + linksToCreate + linksToUpdate + linksToDelete;
        }
    }
}
