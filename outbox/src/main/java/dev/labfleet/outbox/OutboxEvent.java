package dev.labfleet.outbox;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** One domain event waiting to be published, written in the same transaction as the change it describes. */
@Entity
@Table(name = "outbox_event", indexes = @Index(name = "outbox_event_pending", columnList = "published_at, seq"))
public class OutboxEvent extends PanacheEntityBase {

    /** Publication order: events leave in the order they were written. */
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long seq;

    @Column(name = "event_id", nullable = false, length = 64)
    public String eventId;

    @Column(nullable = false, length = 200)
    public String topic;

    /** The Kafka key: the project id, so one project's events stay in order on one partition. */
    @Column(name = "record_key", length = 200)
    public String recordKey;

    @Column(nullable = false, length = 200)
    public String type;

    /** The whole CloudEvent, structured-mode JSON. */
    @Column(nullable = false, columnDefinition = "text")
    public String payload;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "published_at")
    public OffsetDateTime publishedAt;

    @Column(nullable = false)
    public int attempts;

    /**
     * The top-level id of the transaction that wrote the row (PostgreSQL's 64-bit {@code pg_current_xact_id()},
     * set by the column default). The relay publishes a row only once every transaction of this database that
     * started writing before it has ended, so an event committed late never follows a later one of its key.
     */
    @Column(name = "tx_id", nullable = false, insertable = false, updatable = false,
            columnDefinition = "bigint default (pg_current_xact_id()::text::bigint)")
    public Long txId;
}
