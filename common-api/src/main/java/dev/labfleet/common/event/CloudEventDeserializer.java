package dev.labfleet.common.event;

import org.apache.kafka.common.serialization.Deserializer;

import java.util.function.Predicate;

/** Kafka value deserializer for structured-mode CloudEvents JSON. */
public class CloudEventDeserializer implements Deserializer<CloudEvent> {

    private final Predicate<String> keepData;

    public CloudEventDeserializer() {
        this(type -> true);
    }

    /** @param keepData the event types whose {@code data} is built; the others' is skipped and null */
    protected CloudEventDeserializer(Predicate<String> keepData) {
        this.keepData = keepData;
    }

    @Override
    public CloudEvent deserialize(String topic, byte[] data) {
        return data == null ? null : CloudEventCodec.fromBytes(data, keepData);
    }

    /**
     * For {@code gns3.events} consumers that read the data of project events only ({@code gns3.project.*}): the
     * data of node, link, compute and other notifications (most of the topic, kilobytes each) is skipped, not built.
     */
    public static class ProjectData extends CloudEventDeserializer {
        public ProjectData() {
            super(type -> type.startsWith(EventTypes.GNS3_PREFIX + "project."));
        }
    }
}
