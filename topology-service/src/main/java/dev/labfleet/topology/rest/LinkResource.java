package dev.labfleet.topology.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.topology.service.LinkService;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Path("/api/v1/projects/{projectId}/links")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "links", description = "A lab's links: conditions, suspension, packet capture")
@RolesAllowed(Roles.VIEWER)
public class LinkResource {

    static final String PCAP = "application/vnd.tcpdump.pcap";

    private final LinkService links;

    public LinkResource(LinkService links) {
        this.links = links;
    }

    @GET
    @Operation(summary = "The lab's links", description = "With node names, port names and conditions; served from a "
            + "short-lived cache that this service's writes and GNS3's notifications clear.")
    public Uni<List<LinkView>> list(@PathParam("projectId") UUID projectId) {
        return links.list(projectId).map(list -> list.stream().map(LinkView::of).toList());
    }

    @GET
    @Path("/{linkId}")
    @Operation(summary = "One link, as GNS3 has it now")
    public Uni<LinkView> get(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId) {
        return links.get(projectId, linkId).map(LinkView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Link two ports", description = "Ends as {\"node\": id or name, \"adapter\": 0, \"port\": 0} "
            + "or \"PC1:e0\" (port names as in topology specs). A port in use is a 409 naming it; a node or port that "
            + "does not exist is a 400 on a.node, a.port...")
    @APIResponse(responseCode = "201", description = "Created")
    @APIResponse(responseCode = "200", description = "Already created by an earlier request with the same link_id")
    public Uni<Response> create(@PathParam("projectId") UUID projectId, @Valid @NotNull CreateLinkRequest request) {
        return links.create(projectId, request.toNewLink()).map(created -> created.created()
                ? Response.created(URI.create("/api/v1/projects/" + projectId + "/links/" + created.link().linkId()))
                .entity(LinkView.of(created.link())).build()
                : Response.ok(LinkView.of(created.link())).build());
    }

    @RolesAllowed(Roles.OPERATOR)
    @DELETE
    @Path("/{linkId}")
    @Operation(summary = "Delete a link")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Void> delete(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId) {
        return links.delete(projectId, linkId);
    }

    @RolesAllowed(Roles.OPERATOR)
    @PUT
    @Path("/{linkId}/conditions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Set a link's conditions", description = "Packet loss and corruption in % (0-100), delay and "
            + "jitter in ms (0-32767), drop every Nth frame (-1: all), a BPF filter. Replaces the link's conditions: "
            + "{} removes them.")
    public Uni<LinkView> conditions(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId,
                                    @Valid @NotNull LinkConditionsRequest request) {
        return links.conditions(projectId, linkId, request.toConditions("")).map(LinkView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/suspend")
    @Operation(summary = "Suspend a link (frames are dropped, the link stays)")
    public Uni<LinkView> suspend(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId) {
        return links.suspend(projectId, linkId, true).map(LinkView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/resume")
    @Operation(summary = "Resume a suspended link")
    public Uni<LinkView> resume(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId) {
        return links.suspend(projectId, linkId, false).map(LinkView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/capture/start")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start capturing a link's frames", description = "Optional body: capture_file_name, "
            + "data_link_type (DLT_EN10MB by default).")
    public Uni<LinkView> startCapture(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId,
                                      @Valid StartCaptureRequest request) {
        return links.startCapture(projectId, linkId, request == null ? null : request.toSettings())
                .map(LinkView::of);
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/{linkId}/capture/stop")
    @Operation(summary = "Stop capturing")
    public Uni<LinkView> stopCapture(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId) {
        return links.stopCapture(projectId, linkId).map(LinkView::of);
    }

    @GET
    @Path("/{linkId}/pcap")
    @Produces(PCAP)
    @Operation(summary = "The capture, streamed live", description = "Classic pcap, piped from GNS3 as it is written; "
            + "the stream lasts as long as the client reads it. 409 when the link is not capturing.")
    public RestMulti<Buffer> pcap(@PathParam("projectId") UUID projectId, @PathParam("linkId") UUID linkId) {
        return RestMulti.fromUniResponse(links.pcap(projectId, linkId),
                // a client that goes away ends the gateway's stream too (a live capture never ends by itself)
                response -> response.toMulti().map(io.vertx.mutiny.core.buffer.Buffer::getDelegate)
                        .onCancellation().invoke(() -> response.request().reset()),
                response -> Map.of("Content-Type", List.of(PCAP)),
                response -> 200);
    }
}
