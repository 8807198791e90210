package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.UUID;

/**
 * What a connection test of a GNS3 server found.
 *
 * @param computes GNS3's {@code GET /v2/computes} answer as GNS3 wrote it (an empty array when unreachable)
 * @param error    why it failed, when it did (never a GNS3 traceback)
 */
public record ConnectionTest(UUID serverId, boolean reachable, String gns3Version, String apiVersion, Long latencyMs,
                             JsonNode computes, String error) {
}
