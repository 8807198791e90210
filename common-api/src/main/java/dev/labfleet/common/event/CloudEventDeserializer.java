package dev.labfleet.common.event;

import org.apache.kafka.common.serialization.Deserializer;

/** Kafka value deserializer for structured-mode CloudEvents JSON. */
public class CloudEventDeserializer implements Deserializer<CloudEvent> {

    @Override
    public CloudEvent deserialize(String topic, byte[] data) {
        return data == null ? null : CloudEventCodec.fromBytes(data);
    }
}
