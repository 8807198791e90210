package dev.labfleet.topology.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Who is applying a spec to a lab, until when: one apply per lab at a time, across replicas. Taken and released with
 * native SQL by {@code AppliedTopologyRepository}; a replica that dies holding it loses it when the lease runs out.
 */
@Entity
@Table(name = "apply_lock")
public class ApplyLock {

    @Id
    public UUID projectId;

    @Column(nullable = false, length = 120)
    public String owner;

    @Column(nullable = false)
    public OffsetDateTime until;
}
