package dev.labfleet.common.gns3;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * Many GNS3 calls on one server in one request: the gateway runs them concurrently, up to {@code concurrency} and
 * the server's own limit, never two at once on one node (GNS3 serves one request at a time per node), in list order
 * for calls that share a node, and answers every call's own result. One failed call does not stop the others.
 *
 * @param operations  at most the gateway's {@code labfleet.gateway.batch.max-operations}
 * @param concurrency calls in flight at once; null for the server's limit
 * @param fields      the keys of GNS3's answer bodies to keep (top-level keys of a JSON object body, e.g.
 *                    {@code node_id}, {@code name}); null for whole bodies. A caller that needs only ids saves the
 *                    megabytes a thousand full node bodies take
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchRequest(List<BatchOperation> operations, Integer concurrency, List<String> fields) {

    /** A batch answering whole bodies. */
    public BatchRequest(List<BatchOperation> operations, Integer concurrency) {
        this(operations, concurrency, null);
    }
}
