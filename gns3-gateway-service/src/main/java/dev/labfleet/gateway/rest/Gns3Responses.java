package dev.labfleet.gateway.rest;

import dev.labfleet.gateway.client.Gns3Response;
import dev.labfleet.gateway.client.Gns3Stream;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestMulti;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** GNS3's successful answers as this API's answers: same status, same body, same content type. */
final class Gns3Responses {

    private Gns3Responses() {
    }

    static Response of(Gns3Response answer) {
        Response.ResponseBuilder builder = Response.status(answer.status());
        if (answer.body() != null && answer.body().length() > 0 && answer.status() != 204) {
            // GNS3's bytes as they came: no copy (lists of hundreds of nodes are 100s of kB)
            builder.entity(answer.body().getDelegate())
                    .type(answer.contentType() == null ? MediaType.APPLICATION_JSON : answer.contentType());
        }
        return builder.build();
    }

    /** A streamed answer: bytes flow as GNS3 sends them; failures before the first byte become problems. */
    static RestMulti<io.vertx.core.buffer.Buffer> stream(Uni<Gns3Stream> stream, String defaultType) {
        return RestMulti.fromUniResponse(stream, Gns3Stream::body, s -> {
            Map<String, List<String>> headers = new HashMap<>();
            headers.put("Content-Type", List.of(s.contentType() == null ? defaultType : s.contentType()));
            if (s.contentDisposition() != null) {
                headers.put("Content-Disposition", List.of(s.contentDisposition()));
            }
            return headers;
        }, Gns3Stream::status);
    }
}
