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

/** One run of a script on a lab's nodes; each node's part is an {@link ExecutionNode}. */
@Entity
@Table(name = "execution", indexes = @Index(name = "execution_by_status", columnList = "status"))
public class Execution extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID scriptId;

    @Column(nullable = false, length = 100)
    public String scriptName;

    /** The script version this execution ran. */
    @Column(nullable = false)
    public int scriptVersion;

    @Column(nullable = false, length = 32)
    public String kind;

    @Column(nullable = false)
    public UUID projectId;

    @Column(nullable = false)
    public UUID serverId;

    /** {@code running}, {@code succeeded}, {@code failed}, {@code cancelled}, {@code interrupted}. */
    @Column(nullable = false, length = 16)
    public String status;

    @Column(nullable = false)
    public int concurrency;

    @Column(nullable = false)
    public long nodeTimeoutMs;

    @Column(nullable = false)
    public boolean stopOnFirstError;

    /** The run's variables as given (JSON), secrets included only as the caller sent them: never in events. */
    @Column(nullable = false, columnDefinition = "text")
    public String variables;

    @Column(nullable = false)
    public boolean cancelRequested;

    /** The replica running it. */
    @Column(length = 120)
    public String owner;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    public OffsetDateTime finishedAt;

    @Column(nullable = false)
    public OffsetDateTime heartbeatAt;

    @Column(columnDefinition = "text")
    public String error;

    /** The script's prompt regex as it ran (a {@code custom} dialect's), for a replica that takes the run over. */
    @Column(columnDefinition = "text")
    public String promptRegex;

    /** The per-command timeout the run uses; null only on executions from before takeovers (never resumed). */
    public Long commandTimeoutMs;

    /** The assertions every node is checked against (JSON list of {@code AssertionSpec}), the script's and extra. */
    @Column(columnDefinition = "text")
    public String assertions;

    /** How often another replica took this execution over after its replica stopped renewing it. */
    @Column(nullable = false)
    @ColumnDefault("0")
    public int takeovers;
}
