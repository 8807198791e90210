package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** The auto-switch: on or off, and the active lab (one row, id {@code fleet}). */
@Entity
@Table(name = "monitoring_auto_switch")
public class AutoSwitchState extends PanacheEntityBase {
    public static final String ID = "fleet";
    @Id
    public String id;
    public boolean enabled;
    public UUID activeProjectId;
    public OffsetDateTime since;
}
