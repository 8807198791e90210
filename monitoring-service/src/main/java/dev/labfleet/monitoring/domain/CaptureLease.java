package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A capture this service started on GNS3 (never a user's): written before the start, renewed by the replica
 * reading it, and stopped by another replica once {@code expiresAt} passed without renewal (a crashed replica).
 */
@Entity
@Table(name = "monitoring_capture")
public class CaptureLease extends PanacheEntityBase {
    @Id
    public UUID linkId;
    public UUID projectId;
    public UUID serverId;
    public String owner;
    public OffsetDateTime startedAt;
    public OffsetDateTime expiresAt;
}
