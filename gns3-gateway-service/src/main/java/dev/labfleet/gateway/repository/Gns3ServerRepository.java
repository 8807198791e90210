package dev.labfleet.gateway.repository;

import dev.labfleet.gateway.domain.Gns3Server;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class Gns3ServerRepository implements PanacheRepositoryBase<Gns3Server, UUID> {

    public Uni<Gns3Server> findByUrl(String url) {
        return find("url", url).firstResult();
    }

    public Uni<Gns3Server> findByName(String name) {
        return find("name", name).firstResult();
    }

    /** Up to {@code limit} servers ordered by name, after the name {@code after} (null: from the start). */
    public Uni<List<Gns3Server>> pageByName(String after, int limit) {
        if (after == null) {
            return findAll(Sort.by("name").and("id")).page(0, limit).list();
        }
        return find("name > ?1", Sort.by("name").and("id"), after).page(0, limit).list();
    }

    public Uni<List<Gns3Server>> listEnabled() {
        return list("enabled", Sort.by("name"), true);
    }
}
