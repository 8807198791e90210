package dev.labfleet.gatewayclient;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a service talks to the gns3-gateway-service: where it is and how long each class of call may take. Each
 * service fills it from its own configuration ({@code labfleet.<service>.gateway.*}); the defaults are the ones the
 * services documented before they shared this client.
 *
 * @param url               the gateway's base URL, http or https, with or without a base path
 *                          ({@code https://gw.example.net/labfleet-gateway})
 * @param connectTimeout    a TCP (and TLS) connection to the gateway
 * @param readTimeout       reads: projects, nodes, links, stats, servers, placement
 * @param writeTimeout      creates, updates, deletes
 * @param lifecycleTimeout  GNS3 operations that take minutes on real images: node start/stop, project open, close,
 *                          delete, duplicate, snapshots
 * @param batchTimeout      one batch of calls ({@code POST .../batch}) in all
 * @param transferTimeout   an export or import until the gateway's answer starts (and the longest silence of a
 *                          running export)
 * @param streamIdleTimeout the longest silence of a streamed answer (a quiet link's live pcap)
 * @param maxPoolSize       connections to the gateway at most
 * @param pageSize          items per page when walking the gateway's cursor-paged lists (its maximum is 500)
 */
public record GatewaySettings(
        URI url,
        Duration connectTimeout,
        Duration readTimeout,
        Duration writeTimeout,
        Duration lifecycleTimeout,
        Duration batchTimeout,
        Duration transferTimeout,
        Duration streamIdleTimeout,
        int maxPoolSize,
        int pageSize) {

    /**
     * What the transport (the HTTP request's idle timeout) adds to an operation's timeout: the operation's own
     * timeout always fires first and answers a precise 504, and a transport timeout never cuts a call early.
     */
    public static final Duration TRANSPORT_MARGIN = Duration.ofSeconds(30);

    public GatewaySettings {
        Objects.requireNonNull(url, "url");
        if (url.getHost() == null) {
            throw new IllegalArgumentException("the gateway's URL needs a host: " + url);
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("the gateway's URL must be http or https: " + url);
        }
        if (pageSize < 1 || pageSize > 500) {
            throw new IllegalArgumentException("pageSize must be 1..500, was " + pageSize);
        }
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be positive, was " + maxPoolSize);
        }
    }

    /** The defaults, for {@code url}. */
    public static Builder builder(String url) {
        return new Builder(URI.create(url));
    }

    /** Whether the gateway is reached over TLS. */
    public boolean tls() {
        return "https".equals(url.getScheme());
    }

    /** The port, the scheme's default when the URL names none. */
    public int port() {
        return url.getPort() > 0 ? url.getPort() : tls() ? 443 : 80;
    }

    /** The base path without a trailing slash ("" for none): every route is appended to it. */
    public String basePath() {
        String path = url.getRawPath();
        if (path == null) {
            return "";
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    /** The HTTP request's idle timeout for a call whose operation timeout is {@code operation}. */
    public static Duration transportTimeout(Duration operation) {
        return operation.plus(TRANSPORT_MARGIN);
    }

    /** Fills {@link GatewaySettings} from a service's configuration; unset values keep the defaults. */
    public static final class Builder {
        private final URI url;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration readTimeout = Duration.ofSeconds(15);
        private Duration writeTimeout = Duration.ofMinutes(3);
        private Duration lifecycleTimeout = Duration.ofMinutes(6);
        private Duration batchTimeout = Duration.ofMinutes(30);
        private Duration transferTimeout = Duration.ofMinutes(11);
        private Duration streamIdleTimeout = Duration.ofMinutes(10);
        private int maxPoolSize = 16;
        private int pageSize = 500;

        private Builder(URI url) {
            this.url = url;
        }

        public Builder connectTimeout(Duration value) {
            connectTimeout = value;
            return this;
        }

        public Builder readTimeout(Duration value) {
            readTimeout = value;
            return this;
        }

        public Builder writeTimeout(Duration value) {
            writeTimeout = value;
            return this;
        }

        public Builder lifecycleTimeout(Duration value) {
            lifecycleTimeout = value;
            return this;
        }

        public Builder batchTimeout(Duration value) {
            batchTimeout = value;
            return this;
        }

        public Builder transferTimeout(Duration value) {
            transferTimeout = value;
            return this;
        }

        public Builder streamIdleTimeout(Duration value) {
            streamIdleTimeout = value;
            return this;
        }

        public Builder maxPoolSize(int value) {
            maxPoolSize = value;
            return this;
        }

        public Builder pageSize(int value) {
            pageSize = value;
            return this;
        }

        public GatewaySettings build() {
            return new GatewaySettings(url, connectTimeout, readTimeout, writeTimeout, lifecycleTimeout, batchTimeout,
                    transferTimeout, streamIdleTimeout, maxPoolSize, pageSize);
        }
    }
}
