package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One switch of the active lab, with its reason. */
@Entity
@Table(name = "monitoring_lab_switch")
public class LabSwitch extends PanacheEntityBase {
    @Id
    public UUID id;
    public OffsetDateTime at;
    public UUID fromProjectId;
    public UUID toProjectId;
    public String reason;
}
