package dev.labfleet.support.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.event.CloudEventCodec;
import dev.labfleet.common.event.EventTypes;
import dev.labfleet.common.event.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes audit events on {@code lab.audit}. A successful change goes through the service's transactional outbox
 * when it has one ({@link AuditOutbox}): it then survives a Kafka outage like the change's own events. Denials,
 * authentication failures and bans change no data: they go straight to Kafka (a burst of bad tokens must not
 * become a burst of database writes), and may be lost while Kafka is away (logged once per outage).
 */
@ApplicationScoped // a client proxy: GuardRoutes is built with the router, before messaging has connected its channels
public class AuditPublisher {

    private static final Logger LOG = Logger.getLogger(AuditPublisher.class);
    private static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final MutinyEmitter<byte[]> emitter;
    private final AuditOutbox outbox;
    private final URI source;
    /**
     * The topic direct sends go to: the {@code lab-audit} channel's own ({@code lab.audit} behind
     * {@code labfleet.kafka.topic-prefix}), injected with the bean as the outbox relay's prefix is. It used to be
     * worked out a second time with {@code ConfigProvider.getConfig()} when the bean was first used: a lookup keyed
     * by the calling thread's class loader, which Quarkus answers with a freshly built configuration (without the
     * application's properties, so without the test prefix) when no application's configuration is registered at
     * that moment, as between the restarts of a test JVM. One path, the one the channel and SuiteIsolationTest use.
     */
    private final String topic;
    private final AtomicBoolean warned = new AtomicBoolean();

    public AuditPublisher(@Channel("lab-audit") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
                          MutinyEmitter<byte[]> emitter, Instance<AuditOutbox> outbox,
                          @ConfigProperty(name = "mp.messaging.outgoing.lab-audit.topic") String topic) {
        this.emitter = emitter;
        this.outbox = outbox.isResolvable() ? outbox.get() : null;
        this.source = URI.create("/labfleet/" + ConfigProvider.getConfig()
                .getOptionalValue("quarkus.application.name", String.class).orElse("service"));
        // a test run's service publishes on its own topics (labfleet.kafka.topic-prefix, #17 item 4), never the suite's
        this.topic = topic;
    }

    /** Records a request; {@code changed}: it changed data (a successful mutation), so it goes through the outbox. */
    public Uni<Void> request(AuditRecord record, boolean changed) {
        CloudEvent event = new CloudEvent(CloudEvent.SPEC_VERSION, record.id(), source,
                EventTypes.LAB_AUDIT_REQUEST_RECORDED, record.objectId() != null ? record.objectId() : record.path(),
                record.at().atOffset(java.time.ZoneOffset.UTC), CloudEvent.JSON,
                dev.labfleet.common.event.EventSchemas.dataschema(EventTypes.LAB_AUDIT_REQUEST_RECORDED),
                JSON.valueToTree(record));
        String key = record.projectId() != null ? record.projectId() : record.address();
        // A change's audit event goes through the outbox: the relay orders each (topic, key) on its own, so these
        // rows never hold back or reorder the service's own events (project-service EventsSurviveKafkaOutageTest)
        return changed && outbox != null ? outbox.append(Topics.LAB_AUDIT, key, event) : send(key, event);
    }

    /** An address was banned. */
    public Uni<Void> banned(Ban ban, String by, String traceId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", UUID.randomUUID().toString());
        data.put("at", Instant.now());
        data.put("address", ban.address());
        data.put("since", ban.since());
        data.put("until", ban.until());
        data.put("failures", ban.failures());
        data.put("service", ban.service());
        data.put("by", by);
        data.put("traceId", traceId);
        return send(ban.address(), CloudEvent.of(source, EventTypes.LAB_AUDIT_ADDRESS_BANNED, ban.address(), tree(data)));
    }

    /** An admin lifted the ban on {@code address}. */
    public Uni<Void> lifted(String address, String by, String traceId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", UUID.randomUUID().toString());
        data.put("at", Instant.now());
        data.put("address", address);
        data.put("by", by);
        data.put("traceId", traceId);
        return send(address, CloudEvent.of(source, EventTypes.LAB_AUDIT_BAN_LIFTED, address, tree(data)));
    }

    private static JsonNode tree(Map<String, Object> data) {
        data.values().removeIf(java.util.Objects::isNull);
        return JSON.valueToTree(data);
    }

    private Uni<Void> send(String key, CloudEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", CONTENT_TYPE.getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(topic).withKey(key).withHeaders(headers).build();
        Uni<Void> sent;
        try {
            sent = emitter.sendMessage(Message.of(CloudEventCodec.toBytes(event))
                    .addMetadata(metadata));
        } catch (RuntimeException e) { // the buffer is full: Kafka has been away for a while
            sent = Uni.createFrom().failure(e);
        }
        return sent.invoke(() -> {
                    if (warned.compareAndSet(true, false)) {
                        LOG.info("audit: Kafka acknowledges audit events again");
                    }
                })
                .onFailure().recoverWithUni(e -> {
                    if (warned.compareAndSet(false, true)) {
                        LOG.warnf("audit: an audit event was not published (%s); further losses are not logged until"
                                + " Kafka acknowledges again", e.toString());
                    }
                    return Uni.createFrom().voidItem();
                });
    }
}
