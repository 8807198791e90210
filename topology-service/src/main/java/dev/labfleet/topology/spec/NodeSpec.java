package dev.labfleet.topology.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.Map;

/**
 * One node of a {@link TopologySpec}. Exactly one of {@code template} and {@code nodeType} is given.
 *
 * @param name       unique in the spec; the node's identity (its GNS3 id is derived from it)
 * @param template   a template of the fleet catalogue, by name or id
 * @param nodeType   a GNS3 node type ({@code vpcs}, {@code ethernet_switch}, {@code qemu}...)
 * @param properties GNS3 node properties; only the keys given are managed, the others are left as GNS3 has them
 * @param position   where the node is drawn; null leaves it as it is
 * @param labels     Labfleet metadata (role, rack...), not sent to GNS3
 * @param priority   start order for staggered starts: lower starts first; null starts last
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "template", "node_type", "position", "properties", "labels", "priority"})
public record NodeSpec(
        String name,
        String template,
        String nodeType,
        Map<String, Object> properties,
        Position position,
        Map<String, String> labels,
        Integer priority) {

    public NodeSpec {
        properties = properties == null ? Map.of() : Util.orderedCopy(properties);
        labels = labels == null ? Map.of() : Util.orderedCopy(labels);
    }

    public static NodeSpec ofTemplate(String name, String template, Position position) {
        return new NodeSpec(name, template, null, null, position, null, null);
    }

    public static NodeSpec ofType(String name, String nodeType, Position position) {
        return new NodeSpec(name, null, nodeType, null, position, null, null);
    }

    public NodeSpec withPosition(Position value) {
        return new NodeSpec(name, template, nodeType, properties, value, labels, priority);
    }

    public NodeSpec withProperties(Map<String, Object> value) {
        return new NodeSpec(name, template, nodeType, value, position, labels, priority);
    }

    public NodeSpec withLabels(Map<String, String> value) {
        return new NodeSpec(name, template, nodeType, properties, position, value, priority);
    }

    public NodeSpec withPriority(Integer value) {
        return new NodeSpec(name, template, nodeType, properties, position, labels, value);
    }

    /** Where a node is drawn on the GNS3 canvas. */
    public record Position(Integer x, Integer y) {
        public static Position of(int x, int y) {
            return new Position(x, y);
        }
    }
}
