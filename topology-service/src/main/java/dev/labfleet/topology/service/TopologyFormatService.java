package dev.labfleet.topology.service;

import dev.labfleet.topology.config.TopologyConfig;
import dev.labfleet.topology.format.ContainerlabImporter;
import dev.labfleet.topology.spec.TopologySpec;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Imports of foreign topology formats, with the configured mapping tables. */
@ApplicationScoped
public class TopologyFormatService {

    private final TemplateCatalogueService templates;
    private final TopologyConfig config;

    public TopologyFormatService(TemplateCatalogueService templates, TopologyConfig config) {
        this.templates = templates;
        this.config = config;
    }

    /** A containerlab topology file as a spec; fails with a 400 problem listing every violation. */
    public Uni<TopologySpec> importContainerlab(String yaml) {
        TopologyConfig.Containerlab clab = config.containerlab();
        ContainerlabImporter.Mapping mapping = new ContainerlabImporter.Mapping(clab.kinds(), clab.interfaceOffset(),
                clab.spacing());
        return templates.catalogue().map(catalogue -> new ContainerlabImporter(mapping, catalogue).importYaml(yaml));
    }
}
