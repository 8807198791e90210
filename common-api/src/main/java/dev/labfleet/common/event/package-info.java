/**
 * Labfleet's Kafka events: the CloudEvents 1.0 envelope ({@link dev.labfleet.common.event.CloudEvent}, structured
 * JSON mode), its codec, topic and type names, and where each type's schema is ({@link
 * dev.labfleet.common.event.EventSchemas}). The contract for consumers is {@code docs/asyncapi.yaml} and
 * {@code docs/events.md}.
 *
 * <h2>Why the codec is hand-written, not the CNCF SDK's</h2>
 * We looked at replacing {@link dev.labfleet.common.event.CloudEventCodec} with {@code io.cloudevents:cloudevents-json-jackson}
 * and kept ours, because it would replace little and cost on the hottest path:
 * <ul>
 *   <li>The gateway's bridge writes each GNS3 notification into the envelope as the raw JSON GNS3 sent (a Jackson
 *   {@code RawValue}, never parsed into a tree): a thousand-node apply bridges thousands of notifications, and
 *   building and re-serialising a tree of each was most of the bridge's work ({@code docs/benchmarks.md}, "Gateway:
 *   CPU per batch"). The SDK's {@code JsonFormat} holds {@code data} as bytes or its own {@code CloudEventData}: every
 *   notification would be copied or parsed again on the way out.</li>
 *   <li>Consumers of {@code gns3.events} skip the {@code data} of the types they don't read without building it
 *   ({@link dev.labfleet.common.event.CloudEventDeserializer.ProjectData}); the SDK's deserializer always
 *   materialises {@code data}.</li>
 *   <li>The codec is one streaming pass of about a hundred lines over Jackson, which every service already has; the
 *   SDK would add three jars (api, core, json-jackson) to every service for the same JSON.</li>
 * </ul>
 * What keeps it honest instead: every event a test or e2e run reads is validated against the CloudEvents envelope
 * schema ({@code schemas/events/cloudevent.v1.json}: the spec's required attributes and their formats, plus the ones
 * Labfleet always sets) and its type's data schema, by {@code dev.labfleet.common.testing.EventContract} in this
 * module's test jar. A consumer may still use the SDK: the JSON it reads is plain structured-mode CloudEvents.
 */
package dev.labfleet.common.event;
