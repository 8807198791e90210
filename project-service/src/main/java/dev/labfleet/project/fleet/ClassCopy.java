package dev.labfleet.project.fleet;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One copy of a class, as a durable job: claimed by any replica under a lease ({@link CopyRunner}), within its
 * server's concurrency ({@link #serverSlots}). Its lab id is fixed by the class id and the copy's index, so a copy
 * retried after a crash (or a retried request) imports the same lab again, never a second one.
 */
@Entity
@Table(name = "fleet_copy",
        uniqueConstraints = {@UniqueConstraint(name = "fleet_copy_index", columnNames = {"class_id", "copy_index"}),
                @UniqueConstraint(name = "fleet_copy_project", columnNames = "project_id")},
        indexes = {@Index(name = "fleet_copy_claim", columnList = "state, lease_until"),
                @Index(name = "fleet_copy_server", columnList = "server_id, state")})
public class ClassCopy extends PanacheEntityBase {

    public enum State {
        /** Waiting for a replica and a free slot of its server. */
        PENDING,
        /** Being made by the replica named {@code owner} until {@code leaseUntil}. */
        RUNNING,
        /** The lab exists (opened and started when the class asked). */
        DONE,
        /** A step failed; the partial copy was deleted. */
        FAILED,
        /** Never made: the class was torn down first. */
        CANCELLED,
        /** To be deleted (the class is torn down). */
        DELETING,
        /** Deleted with its class. */
        DELETED
    }

    public enum Step {
        IMPORT, OPEN, START, RECORD, DONE, DELETE
    }

    @Id
    public UUID id;

    @Column(name = "class_id", nullable = false)
    public UUID classId;

    @Column(name = "copy_index", nullable = false)
    public int copyIndex;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(nullable = false, length = 200)
    public String name;

    /** The lab's owner. */
    @Column(name = "owner_name", nullable = false, length = 200)
    public String ownerName;

    @Column(name = "server_id", nullable = false)
    public UUID serverId;

    /** Copies made at once on {@link #serverId}. */
    @Column(name = "server_slots", nullable = false)
    public int serverSlots;

    @Column(name = "node_count", nullable = false)
    public int nodeCount;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public State state;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public Step step;

    @Column(length = 2000)
    public String error;

    /** The replica holding the job. */
    @Column(length = 64)
    public String owner;

    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    @Version
    public long version;
}
