package dev.labfleet.topology.plan;

/** What a plan does to one node or link. */
public enum Action {
    CREATE, UPDATE, DELETE
}
