package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.gns3.TemplateView;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.service.Gns3Proxy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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

/** GNS3 templates of one server. */
@Path("/api/v1/servers/{serverId}/templates")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3TemplateResource {

    private final Gns3Proxy gns3;

    public Gns3TemplateResource(Gns3Proxy gns3) {
        this.gns3 = gns3;
    }

    @GET
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TemplateView[].class)))
    public Uni<Response> list(@PathParam("serverId") UUID serverId) {
        return gns3.get(serverId, "/templates", "templates.list").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    public Uni<Response> create(@PathParam("serverId") UUID serverId, @NotNull JsonNode body) {
        return gns3.create(serverId, "/templates", body, "template_id", OperationClass.WRITE, "templates.create")
                .map(Gns3Responses::of);
    }

    @GET
    @Path("/{templateId}")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TemplateView.class)))
    public Uni<Response> get(@PathParam("serverId") UUID serverId, @PathParam("templateId") UUID templateId) {
        return gns3.get(serverId, "/templates/" + templateId, "templates.get").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.ADMIN)
    @PUT
    @Path("/{templateId}")
    public Uni<Response> update(@PathParam("serverId") UUID serverId, @PathParam("templateId") UUID templateId,
                                @NotNull JsonNode body) {
        return gns3.call(serverId, HttpMethod.PUT, "/templates/" + templateId, body, OperationClass.WRITE,
                "templates.update").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.ADMIN)
    @DELETE
    @Path("/{templateId}")
    public Uni<Response> delete(@PathParam("serverId") UUID serverId, @PathParam("templateId") UUID templateId) {
        return gns3.call(serverId, HttpMethod.DELETE, "/templates/" + templateId, null, OperationClass.WRITE,
                "templates.delete").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.ADMIN)
    @POST
    @Path("/{templateId}/duplicate")
    public Uni<Response> duplicate(@PathParam("serverId") UUID serverId, @PathParam("templateId") UUID templateId) {
        return gns3.create(serverId, "/templates/" + templateId + "/duplicate", null, null, OperationClass.WRITE,
                "templates.duplicate").map(Gns3Responses::of);
    }
}
