package dev.labfleet.gateway.client;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * How to reach one GNS3 server: what the client needs from the registry, with the password already decrypted
 * (kept in memory only; {@link #toString()} leaves it out).
 *
 * @param revision changes whenever the registry row changes; the client rebuilds its connection pool then
 */
public record Gns3Endpoint(UUID serverId, String name, URI url, String username, String password, boolean verifyTls,
                           Duration readTimeout, Duration writeTimeout, Duration lifecycleTimeout,
                           Duration transferTimeout, int maxConcurrent, long revision) {

    public Duration timeout(OperationClass operationClass) {
        return switch (operationClass) {
            case READ -> readTimeout;
            case WRITE -> writeTimeout;
            case LIFECYCLE -> lifecycleTimeout;
            case TRANSFER -> transferTimeout;
        };
    }

    public boolean https() {
        return "https".equalsIgnoreCase(url.getScheme());
    }

    public int port() {
        return url.getPort() > 0 ? url.getPort() : https() ? 443 : 80;
    }

    /** The path prefix before {@code /v2}, for servers behind a reverse proxy; empty usually. */
    public String basePath() {
        String path = url.getRawPath();
        return path == null || path.equals("/") ? "" : path.replaceAll("/+$", "");
    }

    @Override
    public String toString() {
        return "Gns3Endpoint[" + name + " " + url + (username == null ? "" : " as " + username) + "]";
    }
}
