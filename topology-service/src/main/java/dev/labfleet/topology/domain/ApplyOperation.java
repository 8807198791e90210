package dev.labfleet.topology.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One apply of a spec to a lab, as an operation any replica can report: {@code RUNNING} while the replica that
 * accepted it holds its lease (renewed with the lab's apply lock), then how it ended (an {@link ApplyStatus} name,
 * with the report), {@code INTERRUPTED} when that replica died (its lease ran out), or {@code ERROR} when the apply
 * itself could not proceed (the lab could not be read).
 */
@Entity
@Table(name = "apply_operation", indexes = {@Index(name = "apply_operation_project", columnList = "project_id, created_at"),
        @Index(name = "apply_operation_lease", columnList = "status, lease_until")})
public class ApplyOperation extends PanacheEntityBase {

    public static final String RUNNING = "RUNNING";
    public static final String INTERRUPTED = "INTERRUPTED";
    public static final String ERROR = "ERROR";

    @Id
    public UUID id;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(nullable = false, length = 16)
    public String status;

    @Column(name = "applied_by", length = 200)
    public String appliedBy;

    /** The replica running it, while it runs. */
    @Column(length = 120)
    public String owner;

    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    /** The {@code ApplyReport} as JSON, once the apply ended. */
    @Column(columnDefinition = "text")
    public String report;

    /** Why it ended without a report, and the HTTP status that goes with it. */
    @Column(length = 2000)
    public String error;

    @Column(name = "error_status")
    public Integer errorStatus;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}
