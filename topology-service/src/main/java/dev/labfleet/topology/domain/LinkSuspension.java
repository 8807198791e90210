package dev.labfleet.topology.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * The last explicit suspend or resume of a link (through this service's link API), which GNS3 forgets when the lab
 * is closed and opened or a snapshot is restored. One row per link (GNS3 keeps link ids across both); a row older
 * than the spec applied since no longer counts, as the apply set every link of its spec as the spec says.
 */
@Entity
@Table(name = "link_suspension", indexes = @Index(name = "link_suspension_project", columnList = "project_id"))
public class LinkSuspension extends PanacheEntityBase {

    @Id
    @Column(name = "link_id")
    public UUID linkId;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(nullable = false)
    public boolean suspended;

    @Column(name = "changed_at", nullable = false)
    public OffsetDateTime changedAt;
}
