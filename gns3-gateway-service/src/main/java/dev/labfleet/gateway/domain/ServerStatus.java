package dev.labfleet.gateway.domain;

/** A GNS3 server's health as the monitor last saw it. */
public enum ServerStatus {
    /** Not checked yet. */
    UNKNOWN,
    /** Answers quickly. */
    UP,
    /** Answers slowly, or failed fewer checks in a row than the DOWN threshold. */
    DEGRADED,
    /** Failed the threshold of checks in a row. */
    DOWN;

    /** UP and DEGRADED servers take traffic. */
    public boolean available() {
        return this == UP || this == DEGRADED || this == UNKNOWN;
    }
}
