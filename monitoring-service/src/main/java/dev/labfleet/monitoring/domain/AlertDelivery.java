package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One alert to one webhook, written in the transaction that opened the anomaly (so none is lost); its id is the
 * idempotency key the receiver sees on every attempt.
 */
@Entity
@Table(name = "monitoring_alert_delivery", indexes = @Index(columnList = "status, nextAttemptAt"))
public class AlertDelivery extends PanacheEntityBase {
    @Id
    public UUID id;
    public UUID ruleId;
    public UUID anomalyId;
    @Column(length = 8000)
    public String payload;
    /** {@code pending}, {@code delivered}, {@code dead} (the dead-letter list). */
    public String status;
    public int attempts;
    public OffsetDateTime nextAttemptAt;
    @Column(length = 1000)
    public String lastError;
    public OffsetDateTime createdAt;
    public OffsetDateTime deliveredAt;
}
