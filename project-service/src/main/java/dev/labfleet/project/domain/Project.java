package dev.labfleet.project.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;
import jakarta.persistence.UniqueConstraint;
import jakarta.persistence.Version;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A lab. Its id is also its GNS3 project id, which makes a retried create idempotent. */
@Entity
@Table(name = "project",
        uniqueConstraints = @UniqueConstraint(name = "project_owner_name", columnNames = {"owner", "name"}),
        indexes = {@Index(name = "project_server", columnList = "server_id"),
                @Index(name = "project_created", columnList = "created_at, id")})
public class Project extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, length = 200)
    public String name;

    @Column(nullable = false, length = 200)
    public String owner;

    @Column(name = "server_id", nullable = false)
    public UUID serverId;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 16)
    public ProjectStatus status;

    @Column(length = 2000)
    public String description;

    /** Free-form tags, stored as a PostgreSQL text array. */
    @Column(columnDefinition = "text[]")
    public String[] tags;

    /**
     * Node name -> start priority from the spec last applied to the lab (topology-service's
     * {@code lab.topology.applied}), as JSON; staggered starts and stops use it when the request gives none.
     */
    @Column(name = "start_priorities", columnDefinition = "text")
    public String startPriorities;

    @Column(name = "auto_start", nullable = false)
    public boolean autoStart;

    @Column(name = "auto_close", nullable = false)
    public boolean autoClose;

    /** Nodes the lab holds, as last learnt (import, class copy, start and stop); null when not known. */
    @Column(name = "node_count")
    public Integer nodeCount;

    /** Nodes running, as last learnt (class copy, start and stop, close); null when not known. */
    @Column(name = "running_nodes")
    public Integer runningNodes;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    @Version
    public long version;

    /** {@link #startPriorities} read; empty when none (or unreadable: starts then go by name). */
    public java.util.Map<String, Integer> priorities() {
        if (startPriorities == null || startPriorities.isBlank()) {
            return java.util.Map.of();
        }
        try {
            return dev.labfleet.common.event.CloudEventCodec.mapper().readValue(startPriorities,
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Integer>>() { });
        } catch (java.io.IOException e) {
            return java.util.Map.of();
        }
    }
}
