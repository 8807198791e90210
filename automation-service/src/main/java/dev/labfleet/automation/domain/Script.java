package dev.labfleet.automation.domain;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A script of the library. Variables, node filter and assertions are kept as the JSON of their wire records
 * ({@code VariableSpec}, {@code NodeFilter}, {@code AssertionSpec}); {@code version} grows on every change.
 */
@Entity
@Table(name = "script")
public class Script extends PanacheEntityBase {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true, length = 100)
    public String name;

    @Column(columnDefinition = "text")
    public String description;

    @Column(nullable = false, length = 32)
    public String kind;

    @Column(nullable = false, columnDefinition = "text")
    public String body;

    @Column(nullable = false, columnDefinition = "text")
    public String variables;

    @Column(nullable = false, columnDefinition = "text")
    public String nodeFilter;

    @Column(nullable = false, columnDefinition = "text")
    public String assertions;

    @Column(columnDefinition = "text")
    public String promptRegex;

    public Long commandTimeoutMs;

    @Column(nullable = false)
    public boolean template;

    /** The template this script was instantiated from, if any. */
    public UUID templateId;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;
}
