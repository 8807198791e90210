package dev.labfleet.monitoring.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.UUID;

/** Auto-healing of one lab (opt-in): restart crashed nodes, at most {@code maxRestarts} per node in the window. */
@Entity
@Table(name = "monitoring_healing_policy")
public class HealingPolicy extends PanacheEntityBase {
    @Id
    public UUID projectId;
    public boolean enabled;
    public boolean restartCrashedNodes;
    public boolean resumeSuspendedLinks;
    public int maxRestarts;
    public int windowSeconds;
}
