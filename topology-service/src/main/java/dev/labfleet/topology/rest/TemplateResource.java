package dev.labfleet.topology.rest;

import dev.labfleet.topology.service.TemplateCatalogueService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;

@Path("/api/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "templates", description = "The fleet-wide template catalogue")
public class TemplateResource {

    private final TemplateCatalogueService templates;

    public TemplateResource(TemplateCatalogueService templates) {
        this.templates = templates;
    }

    @GET
    @Operation(summary = "Every template of the fleet", description = "The templates of every enabled GNS3 server, "
            + "merged by name and type, each with the servers that have it and its id there. Cached for "
            + "labfleet.topology.cache.templates-ttl (30 s).")
    public Uni<List<TemplateView>> list() {
        return templates.fleet();
    }
}
