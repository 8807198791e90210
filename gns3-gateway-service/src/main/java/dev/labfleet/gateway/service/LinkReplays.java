package dev.labfleet.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.common.problem.ProblemException;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * Link creates on real GNS3 are not idempotent: GNS3 2.2 ignores a client's {@code link_id} and makes its own, so a
 * create is never retried by the gateway. A create replayed after its answer was lost (by a caller's retry, a
 * crashed apply run again) meets GNS3's "Port is already used" (409); the link it asked for may well exist. A port
 * holds one link, so a link with the same two ends (node, adapter, port) is the one asked for: the replay is
 * answered with it, as the create it repeats.
 */
final class LinkReplays {

    private LinkReplays() {
    }

    /** Whether a failed create may have made its link anyway, or failed because it exists: worth a look. */
    static boolean worthMatching(Throwable failure) {
        if (failure instanceof ProblemException p) {
            int status = p.problem().status();
            return status == 409 || status >= 500;
        }
        return true; // a broken connection: the create may have happened
    }

    /** The two ends a create body asks for ("node/adapter/port"), or null when it does not name two. */
    static Set<String> ends(ObjectMapper mapper, byte[] body) {
        if (body == null) {
            return null;
        }
        try {
            return ends(mapper.readTree(body).path("nodes"));
        } catch (IOException e) {
            return null;
        }
    }

    private static Set<String> ends(JsonNode nodes) {
        if (!nodes.isArray() || nodes.size() != 2) {
            return null;
        }
        Set<String> ends = new HashSet<>();
        for (JsonNode end : nodes) {
            if (!end.hasNonNull("node_id")) {
                return null;
            }
            ends.add(end.get("node_id").asText() + "/" + end.path("adapter_number").asInt(0) + "/"
                    + end.path("port_number").asInt(0));
        }
        return ends.size() == 2 ? ends : null;
    }

    /** The link of {@code links} (GNS3's list) with exactly these ends, or null. */
    static JsonNode match(JsonNode links, Set<String> wanted) {
        if (wanted == null || links == null || !links.isArray()) {
            return null;
        }
        for (JsonNode link : links) {
            if (wanted.equals(ends(link.path("nodes")))) {
                return link;
            }
        }
        return null;
    }
}
