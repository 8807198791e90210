package dev.labfleet.gateway.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Endpoint;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

import java.util.concurrent.ThreadLocalRandom;

/** What every server's streams and resync share: Vert.x, the GNS3 client, the publisher, the configuration. */
record BridgeContext(Vertx vertx, Gns3Client client, Gns3EventPublisher publisher, GatewayConfig config,
                     ObjectMapper mapper) {

    /** Exponential backoff with jitter between the configured bounds. */
    long backoff(int attempt) {
        GatewayConfig.Bridge bridge = config.bridge();
        long min = bridge.minBackoff().toMillis();
        long delay = Math.min(bridge.maxBackoff().toMillis(), min * (1L << Math.min(attempt, 16)));
        return Math.max(1, (long) (delay * (0.5 + ThreadLocalRandom.current().nextDouble())));
    }

    /** A GET on the server, its body as JSON (an empty array when it is not JSON). */
    Uni<JsonNode> get(Gns3Endpoint endpoint, String path, String operation) {
        return client.send(endpoint, Gns3Request.get(path, operation)).map(answer -> json(answer.body().getBytes()));
    }

    JsonNode json(byte[] body) {
        try {
            return mapper.readTree(body);
        } catch (Exception e) {
            return mapper.createArrayNode();
        }
    }
}
