package dev.labfleet.support.guard;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The address a request comes from: the peer, or, when the peer is a trusted proxy (the edge), the right-most hop
 * of {@code X-Forwarded-For} that is not itself a trusted proxy. A header that is not a list of IP addresses is
 * ignored (it then names the proxy), so nothing a client writes there becomes a Redis key or an audit field.
 */
public final class ClientAddress {

    private static final Pattern IP = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request, Set<String> trustedProxies) {
        SocketAddress peer = request.remoteAddress();
        String remote = peer == null || peer.host() == null ? "unknown" : peer.host();
        if (!trusted(remote, trustedProxies)) {
            return remote;
        }
        return fromForwarded(request.getHeader("X-Forwarded-For"), remote, trustedProxies);
    }

    /**
     * Whether {@code address} is a trusted proxy: listed as such, or inside a listed CIDR block ({@code 10.0.0.0/8},
     * {@code fd00::/8}: the edge's or the ingress controller's pods, whose addresses change).
     */
    static boolean trusted(String address, Set<String> trustedProxies) {
        if (trustedProxies.contains(address)) {
            return true;
        }
        for (String entry : trustedProxies) {
            int slash = entry.indexOf('/');
            if (slash > 0 && inBlock(address, entry.substring(0, slash), entry.substring(slash + 1))) {
                return true;
            }
        }
        return false;
    }

    private static boolean inBlock(String address, String network, String prefixText) {
        // literals only: an entry or address that is not an IP literal never matches (and is never resolved)
        if (!IP.matcher(address).matches() || !IP.matcher(network).matches()) {
            return false;
        }
        try {
            byte[] a = java.net.InetAddress.getByName(address).getAddress();
            byte[] n = java.net.InetAddress.getByName(network).getAddress();
            int prefix = Integer.parseInt(prefixText);
            if (a.length != n.length || prefix < 0 || prefix > a.length * 8) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (java.net.UnknownHostException | NumberFormatException e) {
            return false;
        }
    }

    static String fromForwarded(String header, String remote, Set<String> trustedProxies) {
        if (header == null || header.isBlank() || header.length() > 1000) {
            return remote;
        }
        String[] hops = header.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (!IP.matcher(hop).matches()) {
                return remote;
            }
            if (!trusted(hop, trustedProxies)) {
                return hop;
            }
        }
        return remote;
    }
}
