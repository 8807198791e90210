package dev.labfleet.topology.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.labfleet.common.problem.ValidName;
import dev.labfleet.common.problem.ValidText;
import dev.labfleet.topology.service.NodeEdit;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/**
 * Changes to a node; null fields are left as they are. {@code properties} are merged into GNS3's by GNS3;
 * {@code labels} replace the node's labels (an empty object removes them).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(examples = "{\"name\": \"PC-A\", \"x\": 100, \"y\": 40}")
public record UpdateNodeRequest(
        @ValidName @Pattern(regexp = "[^:]*", message = "must not contain ':'") String name,
        @Min(-100_000) @Max(100_000) Integer x,
        @Min(-100_000) @Max(100_000) Integer y,
        Map<String, Object> properties,
        @Size(max = 50) Map<@NotNull @ValidName String, @ValidText(max = 500) String> labels) {

    public NodeEdit toEdit() {
        return new NodeEdit(name, x, y, properties, labels);
    }
}
