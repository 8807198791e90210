package dev.labfleet.gateway.client;

import io.vertx.mutiny.core.buffer.Buffer;

/** A GNS3 answer below 500: its status, content type and body, passed through unchanged on success. */
public record Gns3Response(int status, String contentType, Buffer body) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }
}
