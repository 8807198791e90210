package dev.labfleet.topology.plan;

import java.util.List;
import java.util.UUID;

/**
 * One node the plan creates, updates or deletes, and why.
 *
 * @param nodeId  the node's id: the live node's for update and delete, the new id for create
 * @param name    the node's name (the live name for a delete)
 * @param reason  why, for people: {@code missing}, {@code position changed x 10→20}, {@code not in spec}
 * @param changes the differing fields (update, and both halves of a replacement)
 * @param node    create: the whole node; update: the changed fields only; delete: null
 * @param replace true when this change is half of a replacement (delete then create: the type or template
 *                changed, which GNS3 cannot update)
 */
public record NodeChange(Action action, UUID nodeId, String name, String reason, List<FieldChange> changes,
                         PlannedNode node, boolean replace) {

    public NodeChange {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}
