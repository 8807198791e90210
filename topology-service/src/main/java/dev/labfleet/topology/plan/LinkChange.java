package dev.labfleet.topology.plan;

import java.util.List;
import java.util.UUID;

/**
 * One link the plan creates, updates or deletes, and why.
 *
 * @param linkId      the link's id: the live link's for update and delete, the new id for create
 * @param description its ends, for people: {@code PC1:e0 <-> SW1:e3}
 * @param reason      why: {@code missing}, {@code filters.delay none→[20, 0]}, {@code not in spec}
 * @param changes     the differing fields of an update
 * @param link        create: the whole link; update: the changed fields; delete: null
 * @param cascade     true when it follows from a node change: the link of a deleted or replaced node (GNS3 deletes
 *                    those with the node, so an applier may skip the delete) or its re-creation
 */
public record LinkChange(Action action, UUID linkId, String description, String reason, List<FieldChange> changes,
                         PlannedLink link, boolean cascade) {

    public LinkChange {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }
}
