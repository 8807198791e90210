package dev.labfleet.project.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A staggered start or stop of a lab's nodes, with its progress; its per-node results are {@link OperationResult}s.
 * A durable job ({@code JobRunner}): the replica running it holds it as {@link #owner} under a lease renewed by a
 * heartbeat; when that replica dies, another claims it and resumes from the recorded results.
 */
@Entity
@Table(name = "operation", indexes = {@Index(name = "operation_project", columnList = "project_id, created_at"),
        @Index(name = "operation_claim", columnList = "status, lease_until")})
public class Operation extends PanacheEntityBase {

    public enum Kind { START, STOP }

    public enum Status {
        RUNNING,
        /** Every node done. */
        SUCCEEDED,
        /** Some nodes failed (or were skipped after a failure with stopOnFirstError). */
        PARTIAL,
        /** No node could be acted on. */
        FAILED,
        /** Every replica that took it stopped while running it ({@code labfleet.project.jobs.max-attempts}); the results so far are kept. */
        INTERRUPTED
    }

    @Id
    public UUID id;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 8)
    public Kind kind;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 12)
    public Status status;

    @Column(name = "batch_size", nullable = false)
    public int batchSize;

    @Column(name = "delay_ms", nullable = false)
    public long delayMs;

    @Column(name = "stop_on_first_error", nullable = false)
    public boolean stopOnFirstError;

    @Column(nullable = false)
    public int total;

    @Column(nullable = false)
    public int done;

    @Column(nullable = false)
    public int failed;

    @Column(nullable = false)
    public int skipped;

    /** Why the whole operation failed, e.g. the nodes could not be listed. */
    @Column(length = 2000)
    public String error;

    /** Node name -> start priority the run orders by, as JSON (kept for a replica that resumes the run). */
    @Column(columnDefinition = "text")
    public String priorities;

    /** The replica running it (null while no replica holds it). */
    @Column(length = 120)
    public String owner;

    /** Until when {@link #owner} holds it without a heartbeat; after that any replica may claim it. */
    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    /** How many times a replica took it: 1 for the replica that accepted it, more after resumes. */
    @Column(nullable = false, columnDefinition = "integer not null default 0")
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "heartbeat_at", nullable = false)
    public OffsetDateTime heartbeatAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}
