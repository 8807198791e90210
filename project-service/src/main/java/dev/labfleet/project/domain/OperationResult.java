package dev.labfleet.project.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What happened to one node in an {@link Operation}: one row per node, written {@code SENT} before its start or stop
 * goes to GNS3 and given its outcome when known, so a replica that resumes the operation knows which nodes may
 * already be starting.
 */
@Entity
@Table(name = "operation_result", indexes = @Index(name = "operation_result_op", columnList = "operation_id, seq"),
        uniqueConstraints = @UniqueConstraint(name = "operation_result_node", columnNames = {"operation_id", "node_id"}))
public class OperationResult extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    @Column(name = "operation_id", nullable = false)
    public UUID operationId;

    @Column(name = "node_id", nullable = false, length = 64)
    public String nodeId;

    @Column(name = "node_name", length = 200)
    public String nodeName;

    @Column(nullable = false)
    public int batch;

    /** The node's place in the run's order (batches by priority, then name): results are listed in it. */
    @Column(columnDefinition = "integer not null default 0")
    public int ordinal;

    /** DONE, FAILED or SKIPPED; SENT while the node's action is under way. */
    @Column(nullable = false, length = 8)
    public String outcome;

    /** GNS3's message for a failure. */
    @Column(length = 2000)
    public String reason;

    @Column(name = "finished_at", nullable = false)
    public OffsetDateTime finishedAt;
}
