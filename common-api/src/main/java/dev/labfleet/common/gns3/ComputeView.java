package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A GNS3 compute (the host that runs nodes) with its live load. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ComputeView(
        String computeId,
        String name,
        String host,
        @JsonDeserialize(using = LenientInteger.class) Integer port,
        String protocol,
        Boolean connected,
        Double cpuUsagePercent,
        Double memoryUsagePercent,
        Double diskUsagePercent) {
}
