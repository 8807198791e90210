package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.topology.service.NewNode;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;
import java.util.UUID;

/**
 * A node to add to a lab: exactly one of {@code template} (a template of the fleet catalogue, by name or id) or
 * {@code node_type} (a GNS3 node type).
 *
 * @param nodeId     optional, for safe retries: a create repeated with the same id answers the node made the first
 *                   time. Only with {@code node_type}: GNS3 2.2 chooses the ids of nodes made from templates.
 * @param name       unique in the lab (GNS3 would silently rename a duplicate; Labfleet refuses it with 409)
 * @param properties GNS3 node properties ({@code adapters}, {@code ports_mapping}...), sent as they are
 * @param labels     Labfleet's own metadata about the node, kept by topology-service (not sent to GNS3)
 * @param computeId  the GNS3 compute, {@code local} unless given
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(examples = "{\"name\": \"PC1\", \"template\": \"VPCS\", \"x\": -150, \"y\": 150, \"labels\": {\"role\": \"host\"}}")
public record CreateNodeRequest(
        UUID nodeId,
        @NotNull @ValidName @Pattern(regexp = "[^:]*", message = "must not contain ':'") String name,
        @Size(max = 200) String template,
        @Pattern(regexp = "cloud|nat|ethernet_hub|ethernet_switch|frame_relay_switch|atm_switch|docker|dynamips|vpcs"
                + "|traceng|virtualbox|vmware|iou|qemu", message = "must be a GNS3 node type (vpcs, ethernet_switch, qemu...)")
        String nodeType,
        @Size(max = 100) String computeId,
        @Min(-100_000) @Max(100_000) Integer x,
        @Min(-100_000) @Max(100_000) Integer y,
        Map<String, Object> properties,
        @Size(max = 50) Map<@NotNull @ValidName String, @ValidText(max = 500) String> labels) {

    public NewNode toNewNode() {
        return new NewNode(nodeId, name, template, nodeType, computeId, x, y, properties, labels);
    }
}
