package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One healing action: what triggered it, its steps and results, how long it took. */
@Entity
@Table(name = "monitoring_incident")
public class Incident extends PanacheEntityBase {
    @Id
    public UUID id;
    public UUID projectId;
    public UUID anomalyId;
    public String objectId;
    public String action;
    /** {@code succeeded}, {@code failed}, {@code escalated}. */
    public String outcome;
    /** The steps and their results, a JSON array. */
    @Column(length = 4000)
    public String steps;
    public OffsetDateTime startedAt;
    public long durationMs;
}
