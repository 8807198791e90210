package dev.labfleet.gateway.client;

/** Classes of GNS3 operations, each with its own timeout. */
public enum OperationClass {
    /** GETs. */
    READ,
    /** Creates, updates, deletes of nodes, links, drawings, templates. */
    WRITE,
    /** Start, stop, suspend, reload, open, close, snapshots, duplicates, project deletes. */
    LIFECYCLE,
    /** Exports and imports. */
    TRANSFER
}
