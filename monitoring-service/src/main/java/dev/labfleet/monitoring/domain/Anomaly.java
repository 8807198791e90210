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
 * Something wrong seen by a detector. One row per occurrence: while it is open or acknowledged, the same
 * {@code dedupKey} (kind and object) updates it rather than opening another.
 */
@Entity
@Table(name = "monitoring_anomaly", indexes = {@Index(columnList = "dedupKey"), @Index(columnList = "openedAt")})
public class Anomaly extends PanacheEntityBase {
    @Id
    public UUID id;
    public String kind;
    /** {@code info}, {@code warning}, {@code critical}. */
    public String severity;
    /** {@code open}, {@code acknowledged}, {@code resolved}. */
    public String status;
    public boolean needsOperator;
    public UUID projectId;
    public String serverId;
    /** Affected objects, comma separated ({@code node:<id>}, {@code link:<id>}, {@code server:<id>}). */
    @Column(length = 2000)
    public String affected;
    /** The figures behind it, a JSON object. */
    @Column(length = 4000)
    public String evidence;
    @Column(length = 1000)
    public String summary;
    @Column(length = 1000)
    public String suggestedAction;
    public String dedupKey;
    public int occurrences;
    public OffsetDateTime openedAt;
    public OffsetDateTime updatedAt;
    public OffsetDateTime acknowledgedAt;
    public OffsetDateTime resolvedAt;
}
