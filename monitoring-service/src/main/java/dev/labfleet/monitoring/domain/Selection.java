package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A lab chosen for traffic monitoring, with its priority for the auto-switch (higher wins). */
@Entity
@Table(name = "monitoring_selection")
public class Selection extends PanacheEntityBase {
    @Id
    public UUID projectId;
    public int priority;
    public OffsetDateTime createdAt;
}
