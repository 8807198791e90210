package dev.labfleet.gateway.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.annotations.OptimisticLock;
import org.hibernate.type.SqlTypes;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A registered GNS3 server. The password is only ever stored encrypted ({@code passwordCiphertext}). What the health
 * monitor writes is excluded from optimistic locking: only registry changes bump {@code version}, which is what
 * makes the client rebuild the server's connection pool and breaker.
 */
@Entity
@DynamicUpdate // the health monitor and the API write different columns of the same row
@Table(name = "gns3_server")
public class Gns3Server {

    @Id
    public UUID id;

    @Column(nullable = false, unique = true, length = 100)
    public String name;

    /** Normalised base URL (no trailing slash, no /v2). */
    @Column(nullable = false, unique = true, length = 500)
    public String url;

    @Column(length = 10)
    @OptimisticLock(excluded = true)
    public String apiVersion;

    @Column(length = 50)
    @OptimisticLock(excluded = true)
    public String gns3Version;

    @Column(length = 100)
    public String username;

    /** {@code v1:<keyId>:<base64(iv|ciphertext|tag)>}, bound to the server id; null when no password. */
    @Column(length = 1000)
    public String passwordCiphertext;

    public boolean verifyTls = true;

    public Long readTimeoutMs;
    public Long writeTimeoutMs;
    public Long lifecycleTimeoutMs;
    public Long transferTimeoutMs;
    public Integer maxConcurrent;

    public double capacityWeight = 1.0;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> labels = new HashMap<>();

    public boolean enabled = true;

    /**
     * Draining: placement skips the server, the labs on it keep working until they are moved. Not a registry change
     * for the client (no new pool or breaker), so outside optimistic locking.
     */
    @Column(nullable = false, columnDefinition = "boolean default false not null")
    @OptimisticLock(excluded = true)
    public boolean draining;

    @OptimisticLock(excluded = true)
    public OffsetDateTime drainingSince;

    @Column(length = 500)
    @OptimisticLock(excluded = true)
    public String drainReason;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false, length = 10)
    @OptimisticLock(excluded = true)
    public ServerStatus status = ServerStatus.UNKNOWN;

    @OptimisticLock(excluded = true)
    public OffsetDateTime lastSeen;
    @OptimisticLock(excluded = true)
    public int consecutiveFailures;
    @OptimisticLock(excluded = true)
    public Long latencyMs;
    /** Last live load seen by the health monitor, for placement. */
    @OptimisticLock(excluded = true)
    public Double cpuPercent;
    @OptimisticLock(excluded = true)
    public Double memoryPercent;

    /** When the next health check is due; the replica that claims it moves it forward (multi-replica safe). */
    @OptimisticLock(excluded = true)
    public OffsetDateTime nextCheckAt;

    @Column(nullable = false)
    public OffsetDateTime createdAt;

    @Column(nullable = false)
    public OffsetDateTime updatedAt;

    @Version
    public long version;
}
