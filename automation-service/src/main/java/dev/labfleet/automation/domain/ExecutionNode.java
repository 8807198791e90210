package dev.labfleet.automation.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import org.hibernate.annotations.ColumnDefault;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One node's part of an execution: what was sent, what the console printed, how it ended. */
@Entity
@Table(name = "execution_node", indexes = @Index(name = "execution_node_by_execution",
        columnList = "execution_id, position"))
public class ExecutionNode extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID executionId;

    @Column(nullable = false)
    public int position;

    @Column(nullable = false, length = 64)
    public String nodeId;

    @Column(nullable = false, length = 200)
    public String nodeName;

    /** {@code pending}, {@code running}, {@code succeeded}, {@code failed}, {@code timed-out}, {@code cancelled}, {@code skipped}. */
    @Column(nullable = false, length = 16)
    public String status;

    /** The rendered console steps (JSON list of {@code ConsoleStep}). */
    @Column(nullable = false, columnDefinition = "text")
    public String commands;

    @Column(columnDefinition = "text")
    public String transcript;

    @Column(nullable = false)
    public boolean transcriptTruncated;

    /** Assertion results (JSON list). */
    @Column(columnDefinition = "text")
    public String assertions;

    public OffsetDateTime startedAt;

    public OffsetDateTime finishedAt;

    @Column(columnDefinition = "text")
    public String error;

    /** How often the node's commands were sent: more than once when its replica died mid-session and another ran it. */
    @Column(nullable = false)
    @ColumnDefault("1")
    public int attempts = 1;
}
