package dev.labfleet.gateway.client;

import io.smallrye.mutiny.Multi;

/**
 * A successful streamed GNS3 answer (export archive, pcap): its headers and its body as it arrives, with
 * back-pressure down to the socket; nothing is buffered beyond Vert.x' read chunks.
 */
public record Gns3Stream(int status, String contentType, String contentDisposition,
                         Multi<io.vertx.core.buffer.Buffer> body) {
}
