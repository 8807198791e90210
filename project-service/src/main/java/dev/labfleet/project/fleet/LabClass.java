package dev.labfleet.project.fleet;

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
 * A class: one lab copied {@link #copies} times across servers ({@code POST /api/v1/projects/{id}/copies}). The
 * source is exported once into a PostgreSQL large object ({@link #archiveOid}) that every copy imports from.
 */
@Entity
@Table(name = "fleet_class", indexes = @Index(name = "fleet_class_created", columnList = "created_at"))
public class LabClass extends PanacheEntityBase {

    public enum State {
        /** Copies are being made. */
        RUNNING,
        /** Every copy is made or failed (the archive is gone). */
        FINISHED,
        /** Torn down: its copies are being deleted. */
        DELETING,
        /** Every copy deleted. */
        DELETED
    }

    @Id
    public UUID id;

    @Column(name = "source_project_id", nullable = false)
    public UUID sourceProjectId;

    @Column(name = "name_pattern", nullable = false, length = 200)
    public String namePattern;

    @Column(nullable = false)
    public int copies;

    @Column(name = "group_name", length = 200)
    public String groupName;

    /** {@code spread} or {@code pack}. */
    @Column(nullable = false, length = 10)
    public String placement;

    @Column(name = "start_nodes", nullable = false)
    public boolean startNodes;

    @Column(name = "start_batch_size", nullable = false)
    public int startBatchSize;

    @Column(name = "start_delay_ms", nullable = false)
    public long startDelayMs;

    /** Nodes of the source (so of every copy). */
    @Column(name = "node_count", nullable = false)
    public int nodeCount;

    @Column(name = "archive_oid")
    public Long archiveOid;

    @Column(name = "archive_size", nullable = false)
    public long archiveSize;

    /** What the request asked for, hashed: a retry with the same class id must ask the same. */
    @Column(name = "request_hash", nullable = false, length = 64)
    public String requestHash;

    @Column(name = "created_by", nullable = false, length = 200)
    public String createdBy;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public State state;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}
