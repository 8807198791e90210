package dev.labfleet.topology.rest;

import dev.labfleet.common.problem.Problem;
import dev.labfleet.common.problem.ProblemException;
import dev.labfleet.common.problem.ProblemTypes;
import dev.labfleet.topology.format.ExportFormat;
import dev.labfleet.topology.plan.TopologyPlan;
import dev.labfleet.topology.service.LabTopologyService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.UUID;

@Path("/api/v1/projects/{projectId}/topology")
@Tag(name = "topology", description = "A lab's topology as code")
public class LabTopologyResource {

    private final LabTopologyService topology;

    public LabTopologyResource(LabTopologyService topology) {
        this.topology = topology;
    }

    @GET
    @Produces({MediaType.APPLICATION_JSON, "application/yaml", "application/graphml+xml", "text/vnd.graphviz",
            "text/vnd.mermaid"})
    @Operation(summary = "The live lab as a spec", description = "format=json (default), yaml, graphml, dot or mermaid")
    public Uni<Response> get(@PathParam("projectId") UUID projectId,
                             @QueryParam("format") @DefaultValue("json") String format) {
        ExportFormat exportFormat = ExportFormat.of(format);
        if (exportFormat == null) {
            throw ProblemException.invalid("format", "must be one of json, yaml, graphml, dot, mermaid");
        }
        return topology.export(projectId, exportFormat)
                .map(text -> Response.ok(text, exportFormat.mediaType()).build());
    }

    @PUT
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "text/yaml", "application/x-yaml"})
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Plan (dryRun=true) a spec against the live lab",
            description = "Answers the create/update/delete steps per node and link, with reasons. Applying is not "
                    + "available yet: without dryRun=true the answer is 501.")
    public Uni<TopologyPlan> put(@PathParam("projectId") UUID projectId,
                                 @QueryParam("dryRun") @DefaultValue("false") boolean dryRun,
                                 @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType, String spec) {
        if (!dryRun) {
            throw new ProblemException(Problem.of(new ProblemTypes.Kind("not-implemented", "Not implemented", 501),
                    "applying a spec is not available yet; PUT with dryRun=true shows the plan").with("projectId", projectId));
        }
        if (spec == null || spec.isBlank()) {
            throw ProblemException.invalid("body", "the topology spec is missing");
        }
        return topology.plan(projectId, spec, contentType);
    }
}
