package dev.labfleet.topology.service;

import dev.labfleet.topology.spec.TemplateCatalogue;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The templates specs may name. Today GNS3's builtin templates, which every server has; the fleet-wide catalogue
 * synced through the gateway will answer here once the gateway is available.
 */
@ApplicationScoped
public class TemplateCatalogueService {

    public Uni<TemplateCatalogue> catalogue() {
        return Uni.createFrom().item(TemplateCatalogue.builtin());
    }
}
