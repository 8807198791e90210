package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.UUID;

/** Creates a GNS3 project; with {@code projectId} set the call is idempotent and the gateway may retry it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateProjectRequest(
        UUID projectId,
        String name,
        Boolean autoClose,
        Boolean autoOpen,
        Boolean autoStart,
        Integer sceneWidth,
        Integer sceneHeight) {
}
