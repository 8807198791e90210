package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.gns3.PlacementRequest;
import dev.labfleet.common.gns3.PlacementView;
import dev.labfleet.gateway.service.PlacementService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Where should a lab run? */
@Path("/api/v1/placements")
@Tag(name = "placement", description = "Choosing a GNS3 server for a lab")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class PlacementResource {

    private final PlacementService placement;

    public PlacementResource(PlacementService placement) {
        this.placement = placement;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Choose a server for a lab (503 when none is eligible), with reasons and runners-up")
    public Uni<PlacementView> place(@Valid @NotNull PlacementRequest request) {
        return placement.place(PlacementMapper.needs(request)).map(PlacementMapper::view);
    }
}
