package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.UUID;

/** One end of a link. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LinkEndpoint(
        UUID nodeId,
        @JsonDeserialize(using = LenientInteger.class) Integer adapterNumber,
        @JsonDeserialize(using = LenientInteger.class) Integer portNumber,
        JsonNode label) {
}
