package dev.labfleet.topology.rest;

import dev.labfleet.common.security.Roles;
import jakarta.annotation.security.RolesAllowed;
import dev.labfleet.topology.service.TopologyFormatService;
import dev.labfleet.topology.service.TopologyGeneratorService;
import dev.labfleet.topology.spec.SpecCodec;
import dev.labfleet.topology.spec.TopologySpec;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/topologies")
@Tag(name = "topologies", description = "Topology specs: generate, import")
@RolesAllowed(Roles.VIEWER)
public class TopologyGeneratorResource {

    static final String APPLICATION_YAML = "application/yaml";

    private final TopologyGeneratorService generator;
    private final TopologyFormatService formats;

    public TopologyGeneratorResource(TopologyGeneratorService generator, TopologyFormatService formats) {
        this.generator = generator;
        this.formats = formats;
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/generate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, APPLICATION_YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Generate a topology spec",
            description = "Star, ring, full mesh, spine-leaf or tree, with deterministic names, laid-out positions "
                    + "and ports assigned without reuse. JSON, or YAML with Accept: application/yaml.")
    public Uni<Response> generate(@Valid @NotNull GenerateTopologyRequest request, @Context HttpHeaders headers) {
        MediaType type = preferred(headers);
        return generator.generate(request.toOptions()).map(spec -> respond(spec, type));
    }

    @RolesAllowed(Roles.OPERATOR)
    @POST
    @Path("/import/containerlab")
    @Consumes({APPLICATION_YAML, "application/x-yaml", "text/yaml", MediaType.TEXT_PLAIN})
    @Produces({MediaType.APPLICATION_JSON, APPLICATION_YAML, "application/x-yaml", "text/yaml"})
    @Operation(summary = "Import a containerlab topology file as a spec",
            description = "Kinds map to GNS3 node types or templates through labfleet.topology.containerlab.kinds; "
                    + "ethN becomes port index N-1.")
    public Uni<Response> importContainerlab(@NotNull String yaml, @Context HttpHeaders headers) {
        MediaType type = preferred(headers);
        return formats.importContainerlab(yaml).map(spec -> respond(spec, type));
    }

    private static Response respond(TopologySpec spec, MediaType type) {
        return SpecCodec.Format.ofMediaType(type.toString()) == SpecCodec.Format.YAML
                ? Response.ok(SpecCodec.write(spec, SpecCodec.Format.YAML), type).build()
                : Response.ok(spec, MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The client's most preferred of the types we produce; JSON when it accepts anything. */
    private static MediaType preferred(HttpHeaders headers) {
        for (MediaType accepted : headers.getAcceptableMediaTypes()) {
            if (accepted.getSubtype().contains("yaml")) {
                return new MediaType(accepted.getType(), accepted.getSubtype());
            }
            if (accepted.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return MediaType.APPLICATION_JSON_TYPE;
            }
        }
        return MediaType.APPLICATION_JSON_TYPE;
    }
}
