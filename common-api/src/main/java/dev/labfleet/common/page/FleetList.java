package dev.labfleet.common.page;

import java.util.List;
import java.util.UUID;

/**
 * The answer of a fleet-wide read (a fan-out over GNS3 servers): what the reachable servers gave, and each server
 * left out with the reason. In a fleet one server is always down somewhere, so such a read answers 200 with the
 * others' data rather than fail; {@code leftOut} is empty when every server answered.
 *
 * @param items   the merged data of the servers that answered
 * @param leftOut the servers that did not, each with why (the gateway's problem detail)
 */
public record FleetList<T>(List<T> items, List<LeftOut> leftOut) {

    public FleetList {
        items = items == null ? List.of() : List.copyOf(items);
        leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
    }

    /** A server whose data is missing from a fleet-wide answer. */
    public record LeftOut(UUID serverId, String reason) {
    }
}
