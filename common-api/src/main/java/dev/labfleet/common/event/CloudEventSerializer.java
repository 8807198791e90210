package dev.labfleet.common.event;

import org.apache.kafka.common.serialization.Serializer;

/** Kafka value serializer writing structured-mode CloudEvents JSON. */
public class CloudEventSerializer implements Serializer<CloudEvent> {

    @Override
    public byte[] serialize(String topic, CloudEvent data) {
        return data == null ? null : CloudEventCodec.toBytes(data);
    }
}
