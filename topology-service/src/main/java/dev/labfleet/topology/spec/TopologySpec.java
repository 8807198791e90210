package dev.labfleet.topology.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * A lab declared as code: the file users write, keep in git and apply with
 * {@code PUT /api/v1/projects/{projectId}/topology}. Field names follow GNS3's snake_case vocabulary
 * ({@code node_type}, {@code frequency_drop}); the format is documented in the service README.
 *
 * @param name        the lab's name (metadata; the GNS3 project is named by project-service)
 * @param description free text
 * @param labels      free key/value metadata
 * @param nodes       the nodes, each with a unique name
 * @param links       the links, each between two {@code node:port} endpoints
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"name", "description", "labels", "nodes", "links"})
public record TopologySpec(
        String name,
        String description,
        Map<String, String> labels,
        List<NodeSpec> nodes,
        List<LinkSpec> links) {

    public TopologySpec {
        labels = labels == null ? Map.of() : Util.orderedCopy(labels);
        nodes = nodes == null ? List.of() : Util.listCopy(nodes);
        links = links == null ? List.of() : Util.listCopy(links);
    }

    public TopologySpec withNodes(List<NodeSpec> value) {
        return new TopologySpec(name, description, labels, value, links);
    }

    public TopologySpec withLinks(List<LinkSpec> value) {
        return new TopologySpec(name, description, labels, nodes, value);
    }
}
