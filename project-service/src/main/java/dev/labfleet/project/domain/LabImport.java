package dev.labfleet.project.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * An import of a {@code .gns3project} archive as a new lab, as an operation any replica can report. The replica
 * receiving the archive holds it as {@link #owner} under a heartbeat-renewed lease (a durable job, {@code JobRunner});
 * the archive itself lives only in that replica's request, so a replica that dies mid-import cannot be resumed by
 * another: the one that claims it ends it {@code FAILED} and removes the partial project from GNS3.
 */
@Entity
@Table(name = "lab_import", indexes = @Index(name = "lab_import_claim", columnList = "status, lease_until"))
public class LabImport extends PanacheEntityBase {

    public enum Status { RUNNING, SUCCEEDED, FAILED }

    @Id
    public UUID id;

    /** The new lab's id (the GNS3 project's too): fresh for every import, recorded only when the import succeeds. */
    @Column(name = "project_id", nullable = false)
    public UUID projectId;

    @Column(name = "server_id", nullable = false)
    public UUID serverId;

    @Column(nullable = false, length = 200)
    public String name;

    /** Who the new lab belongs to. */
    @Column(name = "lab_owner", nullable = false, length = 200)
    public String labOwner;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 12)
    public Status status;

    /** The archive's size once it was all received. */
    @Column(name = "received_bytes")
    public Long receivedBytes;

    @Column(length = 2000)
    public String error;

    /** The HTTP status that goes with {@link #error} (a blocking caller is answered it). */
    @Column(name = "error_status")
    public Integer errorStatus;

    /** The replica running it (null once it ended). */
    @Column(length = 120)
    public String owner;

    @Column(name = "lease_until")
    public OffsetDateTime leaseUntil;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "heartbeat_at", nullable = false)
    public OffsetDateTime heartbeatAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}
