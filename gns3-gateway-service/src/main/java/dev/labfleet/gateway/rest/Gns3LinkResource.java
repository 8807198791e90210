package dev.labfleet.gateway.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.labfleet.common.gns3.CreateLinkRequest;
import dev.labfleet.common.gns3.LinkView;
import dev.labfleet.common.gns3.StartCaptureRequest;
import dev.labfleet.common.gns3.UpdateLinkRequest;
import dev.labfleet.gateway.client.OperationClass;
import dev.labfleet.gateway.service.Gns3Proxy;
import dev.labfleet.gateway.service.LiveCapture;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.UUID;

/** GNS3 links of one project: CRUD, filters (link conditions), suspend/resume, packet capture and its pcap stream. */
@Path("/api/v1/servers/{serverId}/projects/{projectId}/links")
@Tag(name = "gns3")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class Gns3LinkResource {

    private static final String PCAP = "application/vnd.tcpdump.pcap";

    private final Gns3Proxy gns3;
    private final LiveCapture captures;
    private final ObjectMapper mapper;

    public Gns3LinkResource(Gns3Proxy gns3, LiveCapture captures, ObjectMapper mapper) {
        this.gns3 = gns3;
        this.captures = captures;
        this.mapper = mapper;
    }

    @GET
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = LinkView[].class)))
    public Uni<Response> list(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId) {
        return gns3.get(serverId, links(projectId), "links.list").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Operation(summary = "Create a link", description = "Never retried by the gateway: GNS3 2.2 ignores a given "
            + "link_id and makes its own. A create repeated after a lost answer (the port then holds a link) is "
            + "answered 201 with the existing link that has the same two ends.")
    @RequestBody(content = @Content(schema = @Schema(implementation = CreateLinkRequest.class)))
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = LinkView.class)))
    public Uni<Response> create(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @NotNull JsonNode body) {
        return gns3.createLink(serverId, links(projectId), body).map(Gns3Responses::of);
    }

    @GET
    @Path("/{linkId}")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = LinkView.class)))
    public Uni<Response> get(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                             @PathParam("linkId") UUID linkId) {
        return gns3.get(serverId, link(projectId, linkId), "links.get").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{linkId}")
    @Operation(summary = "Change a link's filters, suspension or style (GNS3 answers 201)")
    @RequestBody(content = @Content(schema = @Schema(implementation = UpdateLinkRequest.class)))
    public Uni<Response> update(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("linkId") UUID linkId, @NotNull JsonNode body) {
        return gns3.call(serverId, HttpMethod.PUT, link(projectId, linkId), body, OperationClass.WRITE, "links.update")
                .map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{linkId}/filters")
    @Operation(summary = "Replace the link's filters, e.g. {\"delay\": [200, 0], \"frequency_drop\": [-1]}")
    public Uni<Response> filters(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                 @PathParam("linkId") UUID linkId, @NotNull JsonNode filters) {
        ObjectNode body = mapper.createObjectNode();
        body.set("filters", filters);
        return gns3.call(serverId, HttpMethod.PUT, link(projectId, linkId), body, OperationClass.WRITE,
                "links.filters").map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/suspend")
    public Uni<Response> suspend(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                 @PathParam("linkId") UUID linkId) {
        return suspension(serverId, projectId, linkId, true);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/resume")
    public Uni<Response> resume(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("linkId") UUID linkId) {
        return suspension(serverId, projectId, linkId, false);
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{linkId}")
    public Uni<Response> delete(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                @PathParam("linkId") UUID linkId) {
        return gns3.call(serverId, HttpMethod.DELETE, link(projectId, linkId), null, OperationClass.WRITE,
                "links.delete").map(Gns3Responses::of);
    }

    @GET
    @Path("/{linkId}/available_filters")
    public Uni<Response> availableFilters(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                          @PathParam("linkId") UUID linkId) {
        return gns3.get(serverId, link(projectId, linkId) + "/available_filters", "links.available_filters")
                .map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/start_capture")
    @RequestBody(content = @Content(schema = @Schema(implementation = StartCaptureRequest.class)))
    public Uni<Response> startCapture(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                      @PathParam("linkId") UUID linkId, JsonNode body) {
        return gns3.create(serverId, link(projectId, linkId) + "/start_capture",
                body == null ? mapper.createObjectNode() : body, null, OperationClass.WRITE, "links.start_capture")
                .map(Gns3Responses::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/stop_capture")
    public Uni<Response> stopCapture(@PathParam("serverId") UUID serverId, @PathParam("projectId") UUID projectId,
                                     @PathParam("linkId") UUID linkId) {
        return gns3.create(serverId, link(projectId, linkId) + "/stop_capture", null, null, OperationClass.WRITE,
                "links.stop_capture").map(Gns3Responses::of);
    }

    @GET
    @Path("/{linkId}/pcap")
    @Produces(PCAP)
    @Operation(summary = "The live capture as a never-ending pcap stream, passed through without buffering",
            description = "Status, headers and the 24-byte pcap global header are sent at once (an Ethernet link), "
                    + "then packets as GNS3 writes them. 409 when the link is not capturing.")
    public RestMulti<io.vertx.core.buffer.Buffer> pcap(@PathParam("serverId") UUID serverId,
                                                       @PathParam("projectId") UUID projectId,
                                                       @PathParam("linkId") UUID linkId) {
        return Gns3Responses.stream(captures.open(serverId, link(projectId, linkId)), PCAP);
    }

    private Uni<Response> suspension(UUID serverId, UUID projectId, UUID linkId, boolean suspend) {
        ObjectNode body = mapper.createObjectNode().put("suspend", suspend);
        return gns3.call(serverId, HttpMethod.PUT, link(projectId, linkId), body, OperationClass.WRITE,
                suspend ? "links.suspend" : "links.resume").map(Gns3Responses::of);
    }

    private static String links(UUID projectId) {
        return "/projects/" + projectId + "/links";
    }

    private static String link(UUID projectId, UUID linkId) {
        return links(projectId) + "/" + linkId;
    }
}
