package dev.labfleet.common.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * A CloudEvents 1.0 envelope in its structured JSON mode; every Kafka event of Labfleet is one. The contract
 * consumers code against is {@code docs/asyncapi.yaml} and the schemas beside it ({@code docs/events.md}).
 *
 * @param specversion     always {@code 1.0}
 * @param id              unique per source; consumers deduplicate on (source, id)
 * @param source          who emitted it, e.g. {@code /labfleet/project-service} or a GNS3 server URI
 * @param type            {@code <area>.<entity>.<verb>}, see {@link EventTypes}
 * @param subject         the entity the event is about (project id, node id...)
 * @param time            when it happened
 * @param datacontenttype always {@code application/json}
 * @param dataschema      the schema of {@code data} and its version, {@code urn:labfleet:schema:<type>:<version>}
 *                        ({@link EventSchemas}); set by {@link #of}
 * @param data            the payload
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CloudEvent(
        String specversion,
        String id,
        URI source,
        String type,
        String subject,
        OffsetDateTime time,
        String datacontenttype,
        URI dataschema,
        JsonNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        if (specversion == null) {
            specversion = SPEC_VERSION;
        }
        if (datacontenttype == null && data != null) {
            datacontenttype = JSON;
        }
    }

    /** An envelope without {@code dataschema} (as events read from before it existed are). */
    public CloudEvent(String specversion, String id, URI source, String type, String subject, OffsetDateTime time,
                      String datacontenttype, JsonNode data) {
        this(specversion, id, source, type, subject, time, datacontenttype, null, data);
    }

    /** A new event with a random id, stamped now (UTC), naming the current schema of its type. */
    public static CloudEvent of(URI source, String type, String subject, JsonNode data) {
        return new CloudEvent(SPEC_VERSION, UUID.randomUUID().toString(), source, type, subject,
                OffsetDateTime.now(ZoneOffset.UTC), JSON, EventSchemas.dataschema(type), data);
    }
}
