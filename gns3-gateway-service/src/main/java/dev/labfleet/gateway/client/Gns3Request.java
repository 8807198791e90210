package dev.labfleet.gateway.client;

import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;

/**
 * One call to GNS3's API.
 *
 * @param path       below {@code /v2}, e.g. {@code /projects/{id}/nodes}, query string included
 * @param body       JSON body, or null
 * @param idempotent whether a failed attempt may be retried (GET, PUT, DELETE, creates with a client-supplied id)
 * @param operation  a stable name for metrics, e.g. {@code nodes.start}
 */
public record Gns3Request(HttpMethod method, String path, Buffer body, OperationClass operationClass,
                          boolean idempotent, String operation) {

    public static Gns3Request get(String path, String operation) {
        return new Gns3Request(HttpMethod.GET, path, null, OperationClass.READ, true, operation);
    }

    public static Gns3Request of(HttpMethod method, String path, Buffer body, OperationClass operationClass,
                                 String operation) {
        boolean idempotent = method == HttpMethod.GET || method == HttpMethod.PUT || method == HttpMethod.DELETE;
        return new Gns3Request(method, path, body, operationClass, idempotent, operation);
    }

    public Gns3Request withClass(OperationClass value) {
        return new Gns3Request(method, path, body, value, idempotent, operation);
    }

    public Gns3Request idempotent(boolean value) {
        return new Gns3Request(method, path, body, operationClass, value, operation);
    }
}
