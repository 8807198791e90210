package dev.labfleet.project.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.gatewayclient.GatewayClient;
import dev.labfleet.gatewayclient.GatewaySettings;
import dev.labfleet.project.config.ProjectConfig;
import dev.labfleet.support.security.ServiceAuth;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * project-service's door to GNS3: the shared {@link GatewayClient} (module gateway-client), built from
 * {@code labfleet.project.gateway.*}. Every call carries the caller's token, or the service account's when the
 * suite acts by itself.
 */
@ApplicationScoped
public class GatewayClients {

    @Produces
    @ApplicationScoped
    GatewayClient gateway(Vertx vertx, ObjectMapper mapper, ServiceAuth auth, ProjectConfig config,
                          @ConfigProperty(name = "quarkus.rest-client.gateway.url") String url) {
        ProjectConfig.Gateway g = config.gateway();
        GatewaySettings settings = GatewaySettings.builder(url)
                .readTimeout(g.readTimeout())
                .writeTimeout(g.writeTimeout())
                .lifecycleTimeout(g.lifecycleTimeout())
                .transferTimeout(g.transferTimeout())
                .maxPoolSize(g.connectionPoolSize())
                .pageSize(g.pageSize())
                .build();
        return new GatewayClient(vertx, settings, mapper, auth::authorization);
    }
}
