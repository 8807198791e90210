package dev.labfleet.gateway.service;

import java.net.URI;
import java.util.Locale;

/** GNS3 base URLs in one canonical form, so the same server can't be registered twice under two spellings. */
public final class ServerUrls {

    private ServerUrls() {
    }

    /**
     * Lower-cases scheme and host, drops a default port, trailing slashes, a trailing {@code /v2} and any query.
     *
     * @throws IllegalArgumentException when it is not an http(s) URL with a host
     */
    public static String normalize(String raw) {
        URI uri;
        try {
            uri = URI.create(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("must name a host");
        }
        int port = uri.getPort();
        boolean defaultPort = (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
        if (path.endsWith("/v2")) {
            path = path.substring(0, path.length() - 3);
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (port < 0 || defaultPort ? "" : ":" + port) + path;
    }

    /** A server name derived from its URL, for servers registered at startup. */
    public static String defaultName(String normalizedUrl) {
        URI uri = URI.create(normalizedUrl);
        return "gns3-" + uri.getHost() + (uri.getPort() > 0 ? "-" + uri.getPort() : "");
    }
}
