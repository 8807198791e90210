package dev.labfleet.topology.rest;

import dev.labfleet.common.problem.ValidName;
import dev.labfleet.topology.generate.GeneratorOptions;
import dev.labfleet.topology.generate.Shape;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/**
 * A topology to generate. Sizes by shape: star {@code size} hosts; ring and full-mesh {@code size} nodes;
 * spine-leaf {@code spines}, {@code leaves}, {@code hostsPerLeaf}; tree {@code depth} levels below the root with
 * {@code fanout} children each.
 *
 * @param templates role -> template name or id, or GNS3 node type. Roles: star hub, host; ring and full-mesh
 *                  node; spine-leaf spine, leaf, host; tree switch, host. Defaults: Ethernet switch, VPCS for hosts.
 */
@Schema(examples = "{\"shape\": \"spine-leaf\", \"name\": \"dc1\", \"spines\": 2, \"leaves\": 6, \"hostsPerLeaf\": 2,"
        + " \"templates\": {\"host\": \"VPCS\"}}")
public record GenerateTopologyRequest(
        @NotNull @Pattern(regexp = "(?i)star|ring|full[-_]mesh|spine[-_]leaf|tree",
                message = "must be one of star, ring, full-mesh, spine-leaf, tree") String shape,
        @ValidName(max = 200) String name,
        @Min(1) @Max(10_000) Integer size,
        @Min(1) @Max(1_000) Integer spines,
        @Min(1) @Max(10_000) Integer leaves,
        @Min(0) @Max(1_000) Integer hostsPerLeaf,
        @Min(1) @Max(20) Integer depth,
        @Min(1) @Max(1_000) Integer fanout,
        @Size(max = 10) Map<@NotBlank @Size(max = 50) String, @NotBlank @Size(max = 200) String> templates,
        @Min(20) @Max(2_000) Integer spacing) {

    GeneratorOptions toOptions() {
        return new GeneratorOptions(Shape.of(shape), name, size, spines, leaves, hostsPerLeaf, depth, fanout,
                templates, spacing);
    }
}
