package dev.labfleet.topology.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.UUID;

/** The spec last applied to a lab (its desired state, for drift) and how that apply ended. One row per lab. */
@Entity
@Table(name = "applied_topology")
public class AppliedTopology extends PanacheEntityBase {

    @Id
    public UUID projectId;

    /** The spec as applied, written back as canonical JSON. */
    @Column(columnDefinition = "text", nullable = false)
    public String spec;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public ApplyStatus status;

    @Column(nullable = false)
    public OffsetDateTime appliedAt;

    @Column(length = 200)
    public String appliedBy;

    public int changes;

    public int failures;

    public long durationMs;

    @Version
    public long version;
}
