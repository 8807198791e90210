package dev.labfleet.topology.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.gatewayclient.GatewaySettings;
import dev.labfleet.support.security.ServiceAuth;
import dev.labfleet.topology.config.TopologyConfig;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * topology-service's door to GNS3: the shared {@link GatewayClient} (module gateway-client), built from
 * {@code labfleet.topology.gateway.*}, with a connection pool sized for concurrent applies. Every call carries the
 * caller's token, or the service account's when the suite acts by itself.
 */
@ApplicationScoped
public class GatewayClients {

    @Produces
    @ApplicationScoped
    GatewayClient gateway(Vertx vertx, ObjectMapper mapper, ServiceAuth auth, TopologyConfig config,
                          @ConfigProperty(name = "quarkus.rest-client.gateway.url") String url) {
        TopologyConfig.Gateway g = config.gateway();
        GatewaySettings settings = GatewaySettings.builder(url)
                .readTimeout(g.readTimeout())
                .writeTimeout(g.writeTimeout())
                .lifecycleTimeout(g.lifecycleTimeout())
                .batchTimeout(g.batchTimeout())
                .streamIdleTimeout(g.streamIdleTimeout())
                .maxPoolSize(Math.max(8, config.apply().concurrency() * 2))
                .build();
        return new GatewayClient(vertx, settings, mapper, auth::authorization);
    }
}
