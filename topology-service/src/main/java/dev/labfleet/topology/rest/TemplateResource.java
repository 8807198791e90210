package dev.labfleet.topology.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.page.FleetList;
import dev.labfleet.topology.service.TemplateCatalogueService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;


@Path("/api/v1/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "templates", description = "The fleet-wide template catalogue")
@RolesAllowed(Roles.VIEWER)
public class TemplateResource {

    private final TemplateCatalogueService templates;

    public TemplateResource(TemplateCatalogueService templates) {
        this.templates = templates;
    }

    @GET
    @Operation(summary = "Every template of the fleet", description = "The templates of every enabled GNS3 server, "
            + "merged by name and type, each with the servers that have it and its id there (items), and the servers "
            + "that could not be read, each with why (leftOut): a server down never fails the catalogue. A complete "
            + "catalogue is cached for labfleet.topology.cache.templates-ttl (30 s).")
    public Uni<FleetList<TemplateView>> list() {
        return templates.fleetList().map(list -> new FleetList<>(
                list.items().stream().map(TemplateView::of).toList(), list.leftOut()));
    }
}
