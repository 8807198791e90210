package dev.labfleet.project.messaging;

import jakarta.annotation.security.PermitAll;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import java.net.URI;

/** Test-only: writes numbered events for one key through the outbox, as a service's transaction would. */
@Path("/test/outbox")
@PermitAll
public class OutboxProbeResource {

    private final Outbox outbox;

    public OutboxProbeResource(Outbox outbox) {
        this.outbox = outbox;
    }

    @POST
    @WithTransaction
    public Uni<Integer> append(@QueryParam("topic") String topic, @QueryParam("key") String key,
                               @QueryParam("count") int count, @QueryParam("fail") boolean fail) {
        return Multi.createFrom().range(0, count)
                .onItem().transformToUniAndConcatenate(i -> outbox.append(topic, key, CloudEvent.of(
                        URI.create("/labfleet/project-service"), "lab.test.numbered", key,
                        JsonNodeFactory.instance.objectNode().put("n", i))))
                .collect().last()
                .chain(() -> fail
                        ? Uni.createFrom().failure(new IllegalStateException("rolled back on purpose"))
                        : Uni.createFrom().item(count));
    }
}
