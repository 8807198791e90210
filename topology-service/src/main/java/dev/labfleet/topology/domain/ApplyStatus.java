package dev.labfleet.topology.domain;

/** How an apply ended. */
public enum ApplyStatus {
    /** The lab already was as the spec says: no GNS3 write. */
    UNCHANGED,
    /** Every change was made. */
    APPLIED,
    /** Some changes were made, some failed or were skipped; the next apply finishes the job. */
    PARTIAL,
    /** No change was made. */
    FAILED
}
