package dev.labfleet.automation.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A durable workflow execution: written before and after every step, run by the replica holding its lease
 * ({@code owner} until {@code leaseUntil}); when that replica dies, another takes it over once the lease expired and
 * goes on from {@code nextStep}.
 */
@Entity
@Table(name = "workflow_run", indexes = @Index(name = "workflow_run_claimable", columnList = "status, lease_until"))
public class WorkflowRun extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false)
    public UUID workflowId;

    @Column(nullable = false, length = 100)
    public String workflowName;

    @Column(nullable = false)
    public int workflowVersion;

    /** The steps in run order (JSON list of {@code StepSpec}), fixed when the run starts. */
    @Column(nullable = false, columnDefinition = "text")
    public String steps;

    /** The lab the steps work on (set by a createLab step when not given). */
    public UUID projectId;

    /** {@code running}, {@code paused}, {@code waiting-approval}, {@code succeeded}, {@code failed}, {@code cancelled}. */
    @Column(nullable = false, length = 20)
    public String status;

    @Column(nullable = false)
    public int nextStep;

    /** Variables (JSON object), including those set by steps. */
    @Column(nullable = false, columnDefinition = "text")
    public String variables;

    /** Each step's result so far (JSON list of {@code StepResult}, in run order). */
    @Column(nullable = false, columnDefinition = "text")
    public String results;

    @Column(length = 120)
    public String owner;

    public OffsetDateTime leaseUntil;

    @Column(nullable = false)
    public int takeovers;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    public OffsetDateTime finishedAt;

    @Column(columnDefinition = "text")
    public String error;
}
