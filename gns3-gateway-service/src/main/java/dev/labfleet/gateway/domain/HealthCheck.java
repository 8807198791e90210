package dev.labfleet.gateway.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;
import java.util.UUID;

/** One health check of a server: the history behind its status and uptime. */
@Entity
@Table(name = "gns3_server_health", indexes = @Index(name = "gns3_server_health_server_at", columnList = "serverId, at"))
public class HealthCheck {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public UUID serverId;

    @Column(nullable = false)
    public OffsetDateTime at;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    public ServerStatus status;

    public boolean ok;
    public Long latencyMs;
    public Double cpuPercent;
    public Double memoryPercent;

    @Column(length = 500)
    public String error;
}
