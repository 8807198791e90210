package dev.labfleet.topology.generate;

import java.util.Map;

/**
 * What to generate. Which sizes apply depends on the shape: {@code size} for star (hosts), ring and full mesh
 * (nodes); {@code spines}, {@code leaves}, {@code hostsPerLeaf} for spine-leaf; {@code depth} and {@code fanout}
 * for tree.
 *
 * @param templates role -> template name or id, or GNS3 node type; roles without one use the shape's default
 * @param spacing   distance between neighbouring nodes on the canvas, in GNS3 scene units
 */
public record GeneratorOptions(Shape shape, String name, Integer size, Integer spines, Integer leaves,
                               Integer hostsPerLeaf, Integer depth, Integer fanout, Map<String, String> templates,
                               Integer spacing) {

    public GeneratorOptions {
        templates = templates == null ? Map.of() : Map.copyOf(templates);
    }

    public static GeneratorOptions star(int hosts) {
        return new GeneratorOptions(Shape.STAR, null, hosts, null, null, null, null, null, null, null);
    }

    public static GeneratorOptions ring(int nodes) {
        return new GeneratorOptions(Shape.RING, null, nodes, null, null, null, null, null, null, null);
    }

    public static GeneratorOptions fullMesh(int nodes) {
        return new GeneratorOptions(Shape.FULL_MESH, null, nodes, null, null, null, null, null, null, null);
    }

    public static GeneratorOptions spineLeaf(int spines, int leaves, int hostsPerLeaf) {
        return new GeneratorOptions(Shape.SPINE_LEAF, null, null, spines, leaves, hostsPerLeaf, null, null, null,
                null);
    }

    public static GeneratorOptions tree(int depth, int fanout) {
        return new GeneratorOptions(Shape.TREE, null, null, null, null, null, depth, fanout, null, null);
    }

    public GeneratorOptions withTemplates(Map<String, String> value) {
        return new GeneratorOptions(shape, name, size, spines, leaves, hostsPerLeaf, depth, fanout, value, spacing);
    }
}
