package dev.labfleet.topology.client;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * One call's result in a gateway batch answer, as much as an apply reads of it: the status, the ids and name of
 * what GNS3 made, or the problem's detail. Everything else GNS3 answered is skipped while parsing.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BatchAnswer(String id, int status, Body body, Problem problem) {

    public boolean ok() {
        return status >= 200 && status < 300;
    }

    /** What an apply needs of a GNS3 node or link. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Body(@JsonProperty("node_id") String nodeId, @JsonProperty("link_id") String linkId, String name) {

        /** The keys of GNS3's bodies this reads: the gateway is asked for only these. */
        public static final List<String> FIELDS = List.of("node_id", "link_id", "name");
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Problem(String detail) {
    }

    /** The gateway's answer to one batch request. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Page(List<BatchAnswer> results) {
    }
}
