package dev.labfleet.common.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** JSON (de)serialisation of {@link CloudEvent}s, independent of any framework's mapper configuration. */
public final class CloudEventCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private CloudEventCodec() {
    }

    public static byte[] toBytes(CloudEvent event) {
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("CloudEvent cannot be serialised: " + e.getOriginalMessage(), e);
        }
    }

    public static String toJson(CloudEvent event) {
        return new String(toBytes(event), StandardCharsets.UTF_8);
    }

    /**
     * Parses a structured-mode CloudEvent.
     *
     * @throws IllegalArgumentException when the bytes are not a valid CloudEvents 1.0 JSON document
     */
    public static CloudEvent fromBytes(byte[] json) {
        try {
            CloudEvent event = MAPPER.readValue(json, CloudEvent.class);
            if (!CloudEvent.SPEC_VERSION.equals(event.specversion())) {
                throw new IllegalArgumentException("unsupported CloudEvents specversion: " + event.specversion());
            }
            return event;
        } catch (IOException e) {
            throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage(), e);
        } catch (NullPointerException e) {
            throw new IllegalArgumentException("not a CloudEvent: missing " + e.getMessage(), e);
        }
    }

    public static CloudEvent fromJson(String json) {
        return fromBytes(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The mapper used for envelopes, for callers that build {@code data} trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

}
