package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.UUID;

/** A drawing (SVG shape or text) on a project's canvas. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DrawingView(
        UUID drawingId,
        UUID projectId,
        String svg,
        @JsonDeserialize(using = LenientInteger.class) Integer x,
        @JsonDeserialize(using = LenientInteger.class) Integer y,
        @JsonDeserialize(using = LenientInteger.class) Integer z,
        @JsonDeserialize(using = LenientInteger.class) Integer rotation,
        Boolean locked) {
}
