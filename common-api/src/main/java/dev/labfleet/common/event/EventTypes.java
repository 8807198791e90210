package dev.labfleet.common.event;

/** CloudEvent {@code type} values, named {@code <area>.<entity>.<verb>}. */
public final class EventTypes {

    /** Prefix of every bridged GNS3 notification: {@code gns3.} + GNS3's action, e.g. {@code gns3.node.updated}. */
    public static final String GNS3_PREFIX = "gns3.";
    public static final String GNS3_SERVER_HEALTH_CHANGED = "gns3.server.health-changed";
    public static final String GNS3_PROJECT_RESYNCED = "gns3.project.resynced";

    public static final String LAB_PROJECT_CREATED = "lab.project.created";
    public static final String LAB_PROJECT_UPDATED = "lab.project.updated";
    public static final String LAB_PROJECT_DELETED = "lab.project.deleted";
    public static final String LAB_PROJECT_OPENED = "lab.project.opened";
    public static final String LAB_PROJECT_CLOSED = "lab.project.closed";
    public static final String LAB_PROJECT_STARTED = "lab.project.started";
    public static final String LAB_PROJECT_STOPPED = "lab.project.stopped";
    public static final String LAB_SNAPSHOT_CREATED = "lab.project.snapshot-created";
    public static final String LAB_SNAPSHOT_RESTORED = "lab.project.snapshot-restored";
    public static final String LAB_SNAPSHOT_DELETED = "lab.project.snapshot-deleted";
    /** A lab moved to another GNS3 server (its record now points there); published at the move's commit. */
    public static final String LAB_PROJECT_MOVED = "lab.project.moved";
    /** A step of a lab's move started, finished, failed or was rolled back. */
    public static final String LAB_PROJECT_MOVE_PROGRESSED = "lab.project.move-progressed";

    public static final String LAB_TOPOLOGY_APPLIED = "lab.topology.applied";
    public static final String LAB_TOPOLOGY_APPLY_FAILED = "lab.topology.apply-failed";
    public static final String LAB_NODE_CREATED = "lab.topology.node-created";
    public static final String LAB_NODE_UPDATED = "lab.topology.node-updated";
    public static final String LAB_NODE_DELETED = "lab.topology.node-deleted";
    public static final String LAB_LINK_CREATED = "lab.topology.link-created";
    public static final String LAB_LINK_UPDATED = "lab.topology.link-updated";
    public static final String LAB_LINK_DELETED = "lab.topology.link-deleted";
    /** Links suspended again by topology-service after the lab was opened or restored (GNS3 forgets suspension). */
    public static final String LAB_LINKS_RESUSPENDED = "lab.topology.links-resuspended";

    /** A mutating, denied or unauthenticated request (common-api's guard). */
    public static final String LAB_AUDIT_REQUEST_RECORDED = "lab.audit.request-recorded";
    /** An address was banned after repeated authentication failures, or by an admin. */
    public static final String LAB_AUDIT_ADDRESS_BANNED = "lab.audit.address-banned";
    /** An admin lifted a ban. */
    public static final String LAB_AUDIT_BAN_LIFTED = "lab.audit.ban-lifted";

    private EventTypes() {
    }

    /** The CloudEvent type of a GNS3 notification action such as {@code node.updated}. */
    public static String gns3(String action) {
        return GNS3_PREFIX + action;
    }
}
