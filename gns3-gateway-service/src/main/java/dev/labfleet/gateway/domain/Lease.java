package dev.labfleet.gateway.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.OffsetDateTime;

/** Who among the replicas owns a piece of work (a server's notification bridge) and until when. */
@Entity
@Table(name = "gateway_lease")
public class Lease {

    @Id
    @Column(length = 200)
    public String name;

    @Column(nullable = false, length = 100)
    public String owner;

    @Column(nullable = false)
    public OffsetDateTime until;
}
