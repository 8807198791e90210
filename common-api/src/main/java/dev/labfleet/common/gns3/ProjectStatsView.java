package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** GNS3's {@code GET /v2/projects/{id}/stats}. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProjectStatsView(
        @JsonDeserialize(using = LenientInteger.class) Integer nodes,
        @JsonDeserialize(using = LenientInteger.class) Integer links,
        @JsonDeserialize(using = LenientInteger.class) Integer drawings,
        @JsonDeserialize(using = LenientInteger.class) Integer snapshots) {
}
