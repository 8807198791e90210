package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.gns3.ConsoleView;
import dev.labfleet.common.gns3.CreateNodeFromTemplateRequest;
import dev.labfleet.common.gns3.CreateNodeRequest;
import dev.labfleet.common.gns3.DuplicateNodeRequest;
import dev.labfleet.common.gns3.LinkView;
import dev.labfleet.common.gns3.NodeView;
import dev.labfleet.common.gns3.UpdateNodeRequest;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.service.Gns3Proxy;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.util.UUID;

/** GNS3 nodes of one project: CRUD, start/stop/suspend/reload (one or all), duplicate, console. */
@Path("/api/v1/servers/{serverId}/projects/{projectId}")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3NodeResource {

    private static final String ACTIONS = "start|stop|suspend|reload";

    private final Gns3Proxy gns3;
    private final ObjectMapper mapper;

    public Gns3NodeResource(Gns3Proxy gns3, ObjectMapper mapper) {
        this.gns3 = gns3;
        this.mapper = mapper;
    }

    @GET
    @Path("/nodes")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = NodeView[].class)))
    public Uni<Response> list(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.get(serverId, base(projectId) + "/nodes", "nodes.list").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/nodes")
    @Operation(summary = "Create a node; give node_id to make the call safely retryable")
    @RequestBody(content = @Content(schema = @Schema(implementation = CreateNodeRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = NodeView.class)))
    public Uni<Response> create(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @NotNull JsonNode body) {
        return gns3.create(serverId, base(projectId) + "/nodes", body, "node_id", OperationClass.WRITE, "nodes.create")
                .map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/templates/{templateId}")
    @Operation(summary = "Create a node from a template")
    @RequestBody(content = @Content(schema = @Schema(implementation = CreateNodeFromTemplateRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = NodeView.class)))
    public Uni<Response> createFromTemplate(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                            @PathParam("templateId") UUID templateId, @NotNull JsonNode body) {
        return gns3.create(serverId, base(projectId) + "/templates/" + templateId, body, null, OperationClass.WRITE,
                "nodes.create_from_template").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/nodes/{action: start|stop|suspend|reload}")
    @Operation(summary = "Start, stop, suspend or reload every node of the project (GNS3 answers 204)")
    public Uni<Response> bulk(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                              @PathParam("action") @Pattern(regexp = ACTIONS) String action) {
        return gns3.create(serverId, base(projectId) + "/nodes/" + action, null, null, OperationClass.LIFECYCLE,
                "nodes.bulk_" + action).map(Gns3Responses::of);
    }

    @GET
    @Path("/nodes/{nodeId}")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = NodeView.class)))
    public Uni<Response> get(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                             @PathParam("nodeId") UUID nodeId) {
        return gns3.get(serverId, node(projectId, nodeId), "nodes.get").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/nodes/{nodeId}")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateNodeRequest.class)))
    public Uni<Response> update(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("nodeId") UUID nodeId, @NotNull JsonNode body) {
        return gns3.call(serverId, HttpMethod.PUT, node(projectId, nodeId), body, OperationClass.WRITE, "nodes.update")
                .map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/nodes/{nodeId}")
    public Uni<Response> delete(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("nodeId") UUID nodeId) {
        return gns3.call(serverId, HttpMethod.DELETE, node(projectId, nodeId), null, OperationClass.WRITE,
                "nodes.delete").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/nodes/{nodeId}/{action: start|stop|suspend|reload}")
    @Operation(summary = "Start, stop, suspend or reload one node; GNS3 answers the node (its status may lag)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = NodeView.class)))
    public Uni<Response> action(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("nodeId") UUID nodeId,
                                @PathParam("action") @Pattern(regexp = ACTIONS) String action) {
        return gns3.create(serverId, node(projectId, nodeId) + "/" + action, null, null,
                OperationClass.LIFECYCLE, "nodes." + action).map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/nodes/{nodeId}/duplicate")
    @RequestBody(content = @Content(schema = @Schema(implementation = DuplicateNodeRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = NodeView.class)))
    public Uni<Response> duplicate(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                   @PathParam("nodeId") UUID nodeId, JsonNode body) {
        return gns3.create(serverId, node(projectId, nodeId) + "/duplicate",
                body == null ? mapper.createObjectNode() : body, null, OperationClass.LIFECYCLE, "nodes.duplicate")
                .map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @GET
    @Path("/nodes/{nodeId}/console")
    @Operation(summary = "Where the node's console listens (type, host, port)")
    public Uni<ConsoleView> console(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                    @PathParam("nodeId") UUID nodeId) {
        return gns3.get(serverId, node(projectId, nodeId), "nodes.get").map(answer -> {
            try {
                NodeView n = mapper.readValue(answer.body().getBytes(), NodeView.class);
                return new ConsoleView(n.nodeId(), n.name(), n.consoleType(), n.consoleHost(), n.console(),
                        n.consoleAutoStart());
            } catch (IOException e) {
                throw new IllegalStateException("GNS3 answered a node that cannot be read", e);
            }
        });
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/nodes/{nodeId}/console/reset")
    public Uni<Response> resetConsole(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                      @PathParam("nodeId") UUID nodeId) {
        return gns3.create(serverId, node(projectId, nodeId) + "/console/reset", null, null, OperationClass.WRITE,
                "nodes.console_reset").map(Gns3Responses::of);
    }

    @GET
    @Path("/nodes/{nodeId}/links")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = LinkView[].class)))
    public Uni<Response> links(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                               @PathParam("nodeId") UUID nodeId) {
        return gns3.get(serverId, node(projectId, nodeId) + "/links", "nodes.links").map(Gns3Responses::of);
    }

    private static String base(UUID projectId) {
        return "/projects/" + projectId;
    }

    private static String node(UUID projectId, UUID nodeId) {
        return base(projectId) + "/nodes/" + nodeId;
    }
}
