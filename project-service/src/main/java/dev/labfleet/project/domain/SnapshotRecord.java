package dev.labfleet.project.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** Who took a GNS3 snapshot and when, and who last restored it: GNS3 itself keeps only the name and date. */
@Entity
@Table(name = "snapshot_record", indexes = @Index(name = "snapshot_record_project", columnList = "project_id"))
public class SnapshotRecord extends PanacheEntityBase {

    /** GNS3's snapshot id. */
    @Id
    public UUID id;

    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(name = "created_by", nullable = false, length = 200)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "restored_by", length = 200)
    public String restoredBy;

    @Column(name = "restored_at")
    public OffsetDateTime restoredAt;
}
