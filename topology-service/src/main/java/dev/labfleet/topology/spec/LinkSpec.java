package dev.labfleet.topology.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One link of a {@link TopologySpec}, between two endpoints written {@code node:port}. A port is a port name
 * ({@code e0}, {@code Ethernet0}, {@code eth1}, a switch's {@code ports_mapping} name) or {@code adapter/port}
 * ({@code 0/1}).
 *
 * @param a          one end, e.g. {@code PC1:e0}
 * @param b          the other end, e.g. {@code SW1:0/3}
 * @param conditions link conditions (GNS3 filters); null or empty for a clean link
 * @param suspend    true to suspend the link (no traffic passes)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonPropertyOrder({"a", "b", "conditions", "suspend"})
public record LinkSpec(String a, String b, LinkConditions conditions, Boolean suspend) {

    public static LinkSpec of(String a, String b) {
        return new LinkSpec(a, b, null, null);
    }

    public LinkSpec withConditions(LinkConditions value) {
        return new LinkSpec(a, b, value, suspend);
    }

    public LinkSpec withSuspend(Boolean value) {
        return new LinkSpec(a, b, conditions, value);
    }

    /** True when the link is to be suspended. */
    public boolean suspended() {
        return Boolean.TRUE.equals(suspend);
    }
}
