package dev.labfleet.automation.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.Topics;
import dev.labfleet.outbox.Outbox;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URI;
import java.util.UUID;

/**
 * Writes {@code lab.automation.*} events to the outbox, keyed by project id; call inside the transaction that
 * records the change, so the record and its event commit together. Events carry statuses and counts, never
 * variables' values or transcripts (they may hold secrets).
 */
@ApplicationScoped
public class AutomationEvents {

    public static final String EXECUTION_STARTED = "lab.automation.execution-started";
    public static final String NODE_FINISHED = "lab.automation.node-finished";
    public static final String EXECUTION_FINISHED = "lab.automation.execution-finished";

    static final URI SOURCE = URI.create("/labfleet/automation-service");

    private final Outbox outbox;

    public AutomationEvents(Outbox outbox) {
        this.outbox = outbox;
    }

    /** @param subject the execution id */
    public Uni<Void> publish(UUID projectId, String type, String subject, Object data) {
        JsonNode json = data instanceof JsonNode node ? node : CloudEventCodec.mapper().valueToTree(data);
        return outbox.append(Topics.LAB_AUTOMATION, projectId.toString(), CloudEvent.of(SOURCE, type, subject, json));
    }
}
