package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.common.gns3.ComputeView;
import dev.labfleet.common.gns3.VersionView;
import dev.labfleet.gateway.service.Gns3Proxy;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

/** A GNS3 server's version and computes, as GNS3 answers them. */
@Path("/api/v1/servers/{serverId}")
@Tag(name = "gns3", description = "GNS3 API v2 of one registered server, through the gateway")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3SystemResource {

    private final Gns3Proxy gns3;

    public Gns3SystemResource(Gns3Proxy gns3) {
        this.gns3 = gns3;
    }

    @GET
    @Path("/version")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = VersionView.class)))
    public Uni<Response> version(@PathParam("serverId") UUID serverId) {
        return gns3.get(serverId, "/version", "version").map(Gns3Responses::of);
    }

    @GET
    @Path("/computes")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ComputeView[].class)))
    public Uni<Response> computes(@PathParam("serverId") UUID serverId) {
        return gns3.get(serverId, "/computes", "computes.list").map(Gns3Responses::of);
    }

    @GET
    @Path("/computes/{computeId}")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ComputeView.class)))
    public Uni<Response> compute(@PathParam("serverId") UUID serverId, @PathParam("computeId") String computeId) {
        return gns3.get(serverId, "/computes/" + Paths.segment(computeId), "computes.get").map(Gns3Responses::of);
    }
}
