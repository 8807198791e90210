package dev.labfleet.common.gns3;

import java.util.List;
import java.util.UUID;

/**
 * What {@code POST /api/v1/servers/{id}/test} found.
 *
 * @param reachable   the server answered {@code GET /v2/version}
 * @param gns3Version GNS3's version string
 * @param apiVersion  the API generation spoken ("v2")
 * @param latencyMs   round trip of the version call
 * @param computes    the server's computes (empty when unreachable)
 * @param error       why it failed, when it did (never a GNS3 traceback)
 */
public record ServerTestResult(
        UUID serverId,
        boolean reachable,
        String gns3Version,
        String apiVersion,
        Long latencyMs,
        List<ComputeView> computes,
        String error) {
}
