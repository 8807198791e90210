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
import org.hibernate.annotations.ColumnDefault;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One lab's move from one GNS3 server to another, as a durable operation: any replica may claim it (its lease), the
 * step it reached and what the lab looked like before (the plan) are stored, so a replica that takes over an expired
 * lease can roll it back (before the commit) or finish it (after).
 */
@Entity
@Table(name = "fleet_move",
        // one move in flight per lab: active_project_id is the lab's id while the move runs, null after
        uniqueConstraints = @UniqueConstraint(name = "fleet_move_active_project", columnNames = "active_project_id"),
        indexes = {@Index(name = "fleet_move_project", columnList = "project_id, created_at"),
                @Index(name = "fleet_move_evacuation", columnList = "evacuation_id"),
                @Index(name = "fleet_move_claim", columnList = "state, lease_until"),
                @Index(name = "fleet_move_leftover_due", columnList = "leftover_state, leftover_next_try")})
public class Move extends PanacheEntityBase {

    public enum State {
        /** Waiting for a replica (and a free slot of its evacuation). */
        PENDING,
        /** Claimed by the replica named {@code owner} until {@code leaseUntil}. */
        RUNNING,
        /** On the target; the source copy deleted. */
        MOVED,
        /** A step failed: rolled back, the lab where it was. */
        FAILED
    }

    /** A partial copy left on the target by a rollback: still there (retried), or deleted since. */
    public enum LeftoverState {
        PENDING, REMOVED
    }

    /** The steps in order; {@code TRANSFER} and later leave a copy on the target that a rollback deletes. */
    public enum Step {
        PLAN, STOP_SOURCE, TRANSFER, OPEN_TARGET, RESTORE_LINKS, VERIFY, START_TARGET, CLOSE_TARGET, COMMIT,
        DELETE_SOURCE, DONE;

        public boolean copiesToTarget() {
            return ordinal() >= TRANSFER.ordinal();
        }
    }

    @Id
    public UUID id;

    @Column(name = "evacuation_id")
    public UUID evacuationId;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(name = "active_project_id")
    public UUID activeProjectId;

    @Column(name = "source_server_id", nullable = false)
    public UUID sourceServerId;

    /** Asked for by the caller; null = placement chooses. */
    @Column(name = "requested_target_id")
    public UUID requestedTargetId;

    /** Chosen at PLAN. */
    @Column(name = "target_server_id")
    public UUID targetServerId;

    @Column(name = "include_snapshots", nullable = false)
    public boolean includeSnapshots;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public State state;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public Step step;

    /** The lab's record points at the target: from here the move is finished, never rolled back. */
    @Column(nullable = false)
    public boolean committed;

    /** What the lab looked like on the source ({@link MovePlan} as JSON), written at PLAN. */
    @Column(columnDefinition = "text")
    public String plan;

    /** Per-step progress ({@code [{step, status, at, detail}]}) as JSON. */
    @Column(columnDefinition = "text", nullable = false)
    public String progress = "[]";

    @Column(name = "failed_step", length = 16)
    public String failedStep;

    @Column(length = 2000)
    public String error;

    /** What the rollback could not undo (a target copy left behind), or null. */
    @Column(name = "rollback_error", length = 2000)
    public String rollbackError;

    /**
     * The server holding a partial copy the rollback could not delete (it did not answer), or null. Retried by
     * {@link LeftoverSweeper} until the copy is gone; no move or failover of the lab goes there meanwhile.
     */
    @Column(name = "leftover_server_id")
    public UUID leftoverServerId;

    @Enumerated(EnumType.STRING)
    @Column(name = "leftover_state", length = 8)
    public LeftoverState leftoverState;

    /** Tries to delete the leftover so far (the rollback's own not counted). */
    @ColumnDefault("0")
    @Column(name = "leftover_attempts", nullable = false)
    public int leftoverAttempts;

    @Column(name = "leftover_next_try")
    public OffsetDateTime leftoverNextTry;

    /** Why the last try failed. */
    @Column(name = "leftover_error", length = 2000)
    public String leftoverError;

    @Column(name = "leftover_removed_at")
    public OffsetDateTime leftoverRemovedAt;

    @Column(length = 64)
    public String owner;

    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    /** Takeovers after an expired lease. */
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
