package dev.labfleet.support.security;

import dev.labfleet.common.security.Roles;
import dev.labfleet.common.security.DevIssuer;

import io.quarkus.oidc.client.OidcClient;
import io.quarkus.oidc.client.OidcClientConfigBuilder;
import io.quarkus.oidc.client.OidcClients;
import io.quarkus.oidc.client.Tokens;
import io.quarkus.oidc.client.runtime.OidcClientConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The suite's own identity for what it does by itself (auto-healing, workflow steps resumed after a restart, reindex,
 * dashboards warmed in the background): an access token of the client {@code labfleet.security.service-account.client-id}
 * obtained with the OAuth 2.0 client-credentials grant from the issuer (the dev issuer's {@code /token}, or a
 * confidential Keycloak client with a service account), cached until a minute before it expires. The client secret is
 * {@code labfleet.security.service-account.secret} or, when that is empty, the file
 * {@code labfleet.security.service-account.secret-file} (read again for each new token, so a rotated secret is
 * picked up without a restart). The principal shows in records as the token's name (the dev issuer names it
 * {@code service:labfleet-suite}).
 */
@ApplicationScoped
public class ServiceAccount {

    private static final Logger LOG = Logger.getLogger(ServiceAccount.class);

    private final OidcClients clients;
    private final String issuer;
    private final String clientId;
    private final String secret;
    private final String secretFile;
    private final boolean enabled = SecuritySwitch.enabled();
    private volatile Tokens tokens;
    private volatile OidcClient client;
    private volatile String clientSecret;

    public ServiceAccount(OidcClients clients) {
        this.clients = clients;
        Config config = ConfigProvider.getConfig();
        issuer = config.getOptionalValue("quarkus.oidc.auth-server-url", String.class).orElse(null);
        clientId = config.getOptionalValue("labfleet.security.service-account.client-id", String.class)
                .orElse(DevIssuer.SERVICE_CLIENT_ID);
        secret = config.getOptionalValue("labfleet.security.service-account.secret", String.class).orElse(null);
        secretFile = config.getOptionalValue("labfleet.security.service-account.secret-file", String.class)
                .orElse(null);
    }

    /** Whether requests of the suite's own carry a token at all (not with security off). */
    public boolean enabled() {
        return enabled;
    }

    /** A valid access token of the service account; fails when the issuer refuses or cannot be reached. */
    public Uni<String> token() {
        Tokens current = tokens;
        if (current != null && current.getAccessTokenExpiresAt() != null
                && Instant.now().getEpochSecond() + 60 < current.getAccessTokenExpiresAt()) {
            return Uni.createFrom().item(current.getAccessToken());
        }
        return client().chain(OidcClient::getTokens)
                .invoke(fresh -> tokens = fresh)
                .map(Tokens::getAccessToken)
                .onFailure().invoke(e -> LOG.warnf("the service account %s got no token from %s: %s", clientId,
                        issuer, e.getMessage()));
    }

    private Uni<OidcClient> client() {
        return Uni.createFrom().item(this::readSecret).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(s -> {
                    OidcClient existing = client;
                    if (existing != null && s.equals(clientSecret)) {
                        return Uni.createFrom().item(existing);
                    }
                    OidcClientConfig config = new OidcClientConfigBuilder().id("labfleet-service-account")
                            .authServerUrl(issuer).clientId(clientId).credentials(s)
                            .grant(OidcClientConfig.Grant.Type.CLIENT).build();
                    return clients.newClient(config).invoke(made -> {
                        client = made;
                        clientSecret = s;
                    });
                });
    }

    private String readSecret() {
        if (secret != null && !secret.isBlank()) {
            return secret;
        }
        if (secretFile == null || secretFile.isBlank()) {
            throw new IllegalStateException("no service account secret: set labfleet.security.service-account.secret"
                    + " (LABFLEET_SERVICE_CLIENT_SECRET) or its secret-file");
        }
        try {
            return Files.readString(Path.of(secretFile)).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the service account secret file " + secretFile, e);
        }
    }
}
