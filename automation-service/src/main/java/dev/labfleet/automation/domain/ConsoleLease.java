package dev.labfleet.automation.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/**
 * Who drives a node's console, until when: one session per node across all replicas, because two sessions on one
 * console interleave their keystrokes. Taken, renewed and released with native SQL by {@code ConsoleLeases}.
 */
@Entity
@Table(name = "console_lease")
public class ConsoleLease {

    @Id
    @Column(length = 64)
    public String nodeId;

    @Column(nullable = false, length = 200)
    public String holder;

    @Column(nullable = false)
    public OffsetDateTime until;
}
