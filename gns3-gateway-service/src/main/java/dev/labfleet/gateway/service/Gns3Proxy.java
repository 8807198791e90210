package dev.labfleet.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.labfleet.gateway.client.Gns3Client;
import dev.labfleet.gateway.client.Gns3Request;
import dev.labfleet.gateway.client.Gns3Response;
import dev.labfleet.gateway.client.Gns3Stream;
import dev.labfleet.gateway.client.OperationClass;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * Calls GNS3 on behalf of the internal API: finds the server, builds the call with its operation class and
 * idempotency, and hands GNS3's body back unchanged (GNS3's own JSON is the wire format of this API).
 */
@ApplicationScoped
public class Gns3Proxy {

    private final ServerDirectory directory;
    private final Gns3Client client;
    private final ObjectMapper mapper;

    public Gns3Proxy(ServerDirectory directory, Gns3Client client, ObjectMapper mapper) {
        this.directory = directory;
        this.client = client;
        this.mapper = mapper;
    }

    public Uni<Gns3Response> get(UUID serverId, String path, String operation) {
        return send(serverId, Gns3Request.get(path, operation));
    }

    /** PUT, DELETE: idempotent, so retried on server faults. */
    public Uni<Gns3Response> call(UUID serverId, HttpMethod method, String path, JsonNode body, OperationClass oc,
                                  String operation) {
        return send(serverId, Gns3Request.of(method, path, json(body), oc, operation));
    }

    /** A POST that creates something: idempotent (retried) only when the caller chose its id ({@code idField}). */
    public Uni<Gns3Response> create(UUID serverId, String path, JsonNode body, String idField, OperationClass oc,
                                    String operation) {
        boolean clientId = idField != null && body != null && body.hasNonNull(idField);
        return send(serverId, Gns3Request.of(HttpMethod.POST, path, json(body), oc, operation).idempotent(clientId));
    }

    /**
     * A link create: never retried (GNS3 ignores a client's {@code link_id}, so a retry could make a second link);
     * a create that failed ambiguously or meets "Port is already used" is answered with the existing link that has
     * the same two ends, if there is one ({@link LinkReplays}).
     */
    public Uni<Gns3Response> createLink(UUID serverId, String path, JsonNode body) {
        Buffer json = json(body);
        Gns3Request request = Gns3Request.of(HttpMethod.POST, path, json, OperationClass.WRITE, "links.create")
                .idempotent(false);
        return directory.endpoint(serverId).chain(endpoint -> client.send(endpoint, request)
                .onFailure(LinkReplays::worthMatching).recoverWithUni(failure -> {
                    java.util.Set<String> ends = json == null ? null : LinkReplays.ends(mapper, json.getBytes());
                    if (ends == null) {
                        return Uni.createFrom().failure(failure);
                    }
                    return client.send(endpoint, Gns3Request.get(path, "links.list"))
                            .onFailure().transform(ignored -> failure)
                            .chain(list -> {
                                JsonNode match = null;
                                try {
                                    match = LinkReplays.match(mapper.readTree(list.body().getBytes()), ends);
                                } catch (java.io.IOException | RuntimeException ignored) {
                                    // not a list: no match
                                }
                                if (match == null) {
                                    return Uni.createFrom().failure(failure);
                                }
                                try {
                                    return Uni.createFrom().item(new Gns3Response(201, "application/json",
                                            Buffer.buffer(mapper.writeValueAsBytes(match))));
                                } catch (JsonProcessingException e) {
                                    return Uni.createFrom().failure(failure);
                                }
                            });
                }));
    }

    public Uni<Gns3Stream> download(UUID serverId, String path, OperationClass oc, String operation) {
        return directory.endpoint(serverId).chain(endpoint -> client.stream(endpoint, Gns3Request.get(path, operation)
                .withClass(oc), null));
    }

    public Uni<Gns3Stream> upload(UUID serverId, String path, Multi<Buffer> body, String operation) {
        return directory.endpoint(serverId).chain(endpoint -> client.stream(endpoint,
                Gns3Request.of(HttpMethod.POST, path, null, OperationClass.TRANSFER, operation).idempotent(false), body));
    }

    private Uni<Gns3Response> send(UUID serverId, Gns3Request request) {
        return directory.endpoint(serverId).chain(endpoint -> client.send(endpoint, request));
    }

    /** The body as JSON bytes, once it passed {@link Gns3Bodies}' checks (a 400 naming the field otherwise). */
    private Buffer json(JsonNode body) {
        if (body == null) {
            return null;
        }
        Gns3Bodies.require(body);
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body cannot be written as JSON", e);
        }
    }
}
