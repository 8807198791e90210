package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** A named lease (the leader: captures, auto-switch, detectors, healing) held by one replica until it expires. */
@Entity
@Table(name = "monitoring_lease")
public class Lease extends PanacheEntityBase {
    @Id
    public String name;
    public String owner;
    public OffsetDateTime expiresAt;
}
