package dev.labfleet.automation.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A workflow: its definition as the JSON of {@code WorkflowDefinition}; {@code version} grows on every change. */
@Entity
@Table(name = "workflow")
public class Workflow extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true, length = 100)
    public String name;

    @Column(nullable = false, columnDefinition = "text")
    public String definition;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;
}
