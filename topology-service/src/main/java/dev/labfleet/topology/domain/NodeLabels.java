package dev.labfleet.topology.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * A node's labels: Labfleet's own metadata about a GNS3 node ({@code role: spine}), which GNS3 does not keep. One
 * row per node that has labels, keyed by project and node id.
 */
@Entity
@Table(name = "node_labels")
@IdClass(NodeLabels.Key.class)
public class NodeLabels extends PanacheEntityBase {

    @Id
    @Column(name = "project_id")
    public UUID projectId;

    @Id
    @Column(name = "node_id")
    public UUID nodeId;

    /** The labels as a JSON object of strings. */
    @Column(nullable = false, length = 20_000)
    public String labels;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** The composite key. */
    public static class Key implements Serializable {
        public UUID projectId;
        public UUID nodeId;

        public Key() {
        }

        public Key(UUID projectId, UUID nodeId) {
            this.projectId = projectId;
            this.nodeId = nodeId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(projectId, k.projectId) && Objects.equals(nodeId, k.nodeId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(projectId, nodeId);
        }
    }
}
