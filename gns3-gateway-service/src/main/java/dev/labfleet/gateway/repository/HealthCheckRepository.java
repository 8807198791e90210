package dev.labfleet.gateway.repository;

import dev.labfleet.gateway.domain.HealthCheck;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class HealthCheckRepository implements PanacheRepositoryBase<HealthCheck, Long> {

    public Uni<List<HealthCheck>> recent(UUID serverId, int limit) {
        return find("serverId", Sort.descending("at"), serverId).page(0, limit).list();
    }

    /** Share (0..100) of the checks since {@code since} that found the server available; null without checks. */
    public Uni<Double> uptimePercent(UUID serverId, OffsetDateTime since) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select count(*), coalesce(sum(case when ok then 1 else 0 end), 0) from HealthCheck "
                                + "where serverId = :id and at >= :since", Object[].class)
                .setParameter("id", serverId).setParameter("since", since).getSingleResult())
                .map(row -> {
                    long total = ((Number) row[0]).longValue();
                    long ok = ((Number) row[1]).longValue();
                    return total == 0 ? null : Math.round(1000.0 * ok / total) / 10.0;
                });
    }

    public Uni<Long> deleteBefore(OffsetDateTime before) {
        return delete("at < ?1", before);
    }
}
