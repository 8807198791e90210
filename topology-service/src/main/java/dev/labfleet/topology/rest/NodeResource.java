package dev.labfleet.topology.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.topology.service.NodeService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.UUID;

@Path("/api/v1/projects/{projectId}/nodes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "nodes", description = "A lab's nodes, on its GNS3 server")
@RolesAllowed(Roles.VIEWER)
public class NodeResource {

    private final NodeService nodes;

    public NodeResource(NodeService nodes) {
        this.nodes = nodes;
    }

    @GET
    @Operation(summary = "The lab's nodes", description = "Served from a short-lived cache that this service's writes "
            + "and GNS3's notifications clear.")
    public Uni<List<NodeView>> list(@PathParam("projectId") UUID projectId) {
        return nodes.list(projectId).map(list -> list.stream().map(NodeView::of).toList());
    }

    @GET
    @Path("/{nodeId}")
    @Operation(summary = "One node, as GNS3 has it now")
    public Uni<NodeView> get(@PathParam("projectId") UUID projectId, @PathParam("nodeId") UUID nodeId) {
        return nodes.get(projectId, nodeId).map(NodeView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a node", description = "From a template of the fleet catalogue (by name or id) or a GNS3 "
            + "node type. Names are unique in a lab (409). With node_id (node_type only), a retried create answers the "
            + "node made the first time with 200.")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "200", description = "Already created by an earlier request with the same node_id")
    public Uni<Response> create(@PathParam("projectId") UUID projectId, @Valid @NotNull CreateNodeRequest request) {
        return nodes.create(projectId, request.toNewNode()).map(created -> created.created()
                ? Response.created(URI.create("/api/v1/projects/" + projectId + "/nodes/" + created.node().nodeId()))
                .entity(NodeView.of(created.node())).build()
                : Response.ok(NodeView.of(created.node())).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{nodeId}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change a node's name, position, properties or labels", description = "Null fields are left "
            + "as they are; labels replace the node's labels.")
    public Uni<NodeView> update(@PathParam("projectId") UUID projectId, @PathParam("nodeId") UUID nodeId,
                                @Valid @NotNull UpdateNodeRequest request) {
        return nodes.update(projectId, nodeId, request.toEdit()).map(NodeView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{nodeId}")
    @Operation(summary = "Delete a node and its links")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Void> delete(@PathParam("projectId") UUID projectId, @PathParam("nodeId") UUID nodeId) {
        return nodes.delete(projectId, nodeId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{nodeId}/{action: start|stop|suspend|reload}")
    @Operation(summary = "Start, stop, suspend or reload a node", description = "Answers when GNS3 has done it (a "
            + "node start can take minutes on real images); the status in the answer may lag, as GNS3's does.")
    public Uni<NodeView> act(@PathParam("projectId") UUID projectId, @PathParam("nodeId") UUID nodeId,
                             @Parameter(description = "start, stop, suspend or reload") @PathParam("action") String action) {
        return nodes.act(projectId, nodeId, NodeService.Action.valueOf(action.toUpperCase(java.util.Locale.ROOT)))
                .map(NodeView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @GET
    @Path("/{nodeId}/console")
    @Operation(summary = "Where the node's console listens", description = "type, host and port from GNS3; 409 for "
            + "nodes without a console")
    public Uni<NodeConsoleView> console(@PathParam("projectId") UUID projectId, @PathParam("nodeId") UUID nodeId) {
        return nodes.console(projectId, nodeId).map(NodeConsoleView::of);
    }
}
