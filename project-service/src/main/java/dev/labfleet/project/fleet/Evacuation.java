package dev.labfleet.project.fleet;

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

/** Moving every lab off a server: one {@link Move} per lab, {@code concurrency} of them at a time across replicas. */
@Entity
@Table(name = "fleet_evacuation", indexes = @Index(name = "fleet_evacuation_server", columnList = "server_id, created_at"))
public class Evacuation extends PanacheEntityBase {

    public enum State { RUNNING, FINISHED }

    @Id
    public UUID id;

    @Column(name = "server_id", nullable = false)
    public UUID serverId;

    @Column(name = "target_server_id")
    public UUID targetServerId;

    @Column(name = "include_snapshots", nullable = false)
    public boolean includeSnapshots;

    @Column(nullable = false)
    public int concurrency;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public State state;

    /** Labs not moved and why (already moving, missing from GNS3), as JSON {@code [{projectId, reason}]}. */
    @Column(columnDefinition = "text", nullable = false)
    public String skipped = "[]";

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;
}
