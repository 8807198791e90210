package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Where anomalies go: a webhook for those at or above a severity, of some kinds, in labs with some tags. */
@Entity
@Table(name = "monitoring_alert_rule")
public class AlertRule extends PanacheEntityBase {
    @Id
    public UUID id;
    public String name;
    @Column(length = 2000)
    public String url;
    /**
     * HMAC-SHA256 key of the signatures, encrypted ({@code v1:<keyId>:...}, see WebhookSecrets); never returned,
     * logged or published.
     */
    @Column(length = 4000)
    public String secret;
    public String minSeverity;
    /** Comma-separated kinds, or null for every kind. */
    public String kinds;
    /** Comma-separated lab tags (any matches), or null for every lab. */
    public String labTags;
    public OffsetDateTime createdAt;
}
