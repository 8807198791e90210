package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.UUID;

/** A GNS3 project ({@code /v2/projects}); {@code status} is opened or closed. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectView(
        UUID projectId,
        String name,
        String status,
        String path,
        String filename,
        Boolean autoClose,
        Boolean autoOpen,
        Boolean autoStart,
        @JsonDeserialize(using = LenientInteger.class) Integer sceneWidth,
        @JsonDeserialize(using = LenientInteger.class) Integer sceneHeight,
        @JsonDeserialize(using = LenientInteger.class) Integer gridSize,
        @JsonDeserialize(using = LenientInteger.class) Integer drawingGridSize,
        Boolean showGrid,
        Boolean snapToGrid,
        Boolean showInterfaceLabels,
        Double zoom) {
}
