package dev.labfleet.project.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.project.service.OperationService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/operations")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "operations", description = "Staggered starts and stops, with a result per node")
@RolesAllowed(Roles.VIEWER)
public class OperationResource {

    private final OperationService operations;

    public OperationResource(OperationService operations) {
        this.operations = operations;
    }

    @GET
    @Path("/{operationId}")
    @Operation(summary = "Progress of an operation, and its per-node report")
    public Uni<OperationView> get(@PathParam("operationId") UUID operationId) {
        return operations.get(operationId).map(OperationView::of);
    }
}
