package dev.labfleet.topology.service;

import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.generate.GeneratorOptions;
import dev.labfleet.topology.generate.TopologyGenerator;
import dev.labfleet.topology.spec.TopologySpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Generates specs of common shapes against the template catalogue. */
@ApplicationScoped
public class TopologyGeneratorService {

    private final TemplateCatalogueService templates;
    private final TopologyConfig config;

    public TopologyGeneratorService(TemplateCatalogueService templates, TopologyConfig config) {
        this.templates = templates;
        this.config = config;
    }

    /** Fails with a 400 problem listing every violation. Pure computation: milliseconds for the largest allowed. */
    public Uni<TopologySpec> generate(GeneratorOptions options) {
        return templates.catalogue().map(catalogue ->
                new TopologyGenerator(catalogue, config.generator().maxNodes()).generate(options));
    }
}
