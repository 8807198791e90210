package dev.labfleet.monitoring.service;

import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.AlertDelivery;
import dev.labfleet.monitoring.domain.AlertRule;
import dev.labfleet.monitoring.traffic.TrafficViews;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

/**
 * Delivers queued alerts to their webhooks (leader, each second), at least once: {@code POST} of the JSON payload
 * with {@code Idempotency-Key} (the delivery id: the same on every attempt, so a receiver keeps each alert once),
 * {@code X-Labfleet-Timestamp} and {@code X-Labfleet-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">}
 * keyed by the rule's secret. A non-2xx answer or no answer is retried with exponential backoff; after
 * {@code alerts.max-attempts} the delivery is dead (the dead-letter list, retried only by hand).
 */
@ApplicationScoped
public class AlertDeliverer implements LeaderLoop.Step {

    private final MonitoringConfig config;
    private final HttpClient http;
    private final MeterRegistry registry;
    private final WebhookSecrets secrets;
    private volatile boolean resealed;

    public AlertDeliverer(MonitoringConfig config, Vertx vertx, MeterRegistry registry, WebhookSecrets secrets) {
        this.config = config;
        this.http = vertx.createHttpClient();
        this.registry = registry;
        this.secrets = secrets;
    }

    void onStart(@Observes StartupEvent event, LeaderLoop loop) {
        loop.add(this);
    }

    public static String sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal((timestamp + "." + body)
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    @Override
    public Uni<Void> run(List<TrafficViews.LabSample> samples) {
        if (!resealed) {
            // the leader's first round: secrets stored in plaintext (before encryption) or with an old key
            return secrets.resealStale().invoke(n -> resealed = true).replaceWithVoid();
        }
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        return Panache.withSession(() -> AlertDelivery.<AlertDelivery>find(
                        "status = 'pending' and nextAttemptAt <= ?1 order by createdAt", now).page(0, 50).list())
                .chain(due -> Multi.createFrom().iterable(due).onItem().transformToUni(this::attempt).merge(8)
                        .collect().asList())
                .replaceWithVoid();
    }

    private Uni<Void> attempt(AlertDelivery d) {
        return Panache.withSession(() -> AlertRule.<AlertRule>findById(d.ruleId)).chain(rule -> {
            if (rule == null) {
                return finish(d, "dead", "the rule was deleted");
            }
            String secret;
            try {
                secret = secrets.reveal(rule);
            } catch (dev.labfleet.support.crypto.SecretCipher.UnreadableSecretException e) {
                return finish(d, "dead", "the rule's webhook secret " + e.getMessage());
            }
            String ts = String.valueOf(System.currentTimeMillis() / 1000);
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(rule.url)
                    .setTimeout(config.alerts().timeout().toMillis())
                    .putHeader("content-type", "application/json")
                    .putHeader("Idempotency-Key", d.id.toString())
                    .putHeader("X-Labfleet-Timestamp", ts)
                    .putHeader("X-Labfleet-Signature", sign(secret, ts, d.payload));
            Uni<Integer> status = Uni.createFrom().completionStage(() -> http.request(options)
                    .compose(req -> req.send(Buffer.buffer(d.payload)))
                    .compose(resp -> resp.body().map(b -> resp.statusCode()))
                    .toCompletionStage());
            return status.onFailure().recoverWithItem(e -> -1).chain(code -> {
                if (code >= 200 && code < 300) {
                    registry.counter("monitoring_alerts_delivered").increment();
                    return finish(d, "delivered", null);
                }
                String error = code < 0 ? "no answer" : "answered " + code;
                int attempts = d.attempts + 1;
                if (attempts >= config.alerts().maxAttempts()) {
                    registry.counter("monitoring_alerts_dead").increment();
                    return finish(d, "dead", error);
                }
                long backoff = Math.min(config.alerts().maxBackoff().toMillis(),
                        config.alerts().initialBackoff().toMillis() << Math.min(20, attempts - 1));
                return Panache.withTransaction(() -> AlertDelivery.update(
                        "attempts = ?1, lastError = ?2, nextAttemptAt = ?3 where id = ?4", attempts, error,
                        OffsetDateTime.now(ZoneOffset.UTC).plus(Duration.ofMillis(backoff)), d.id)).replaceWithVoid();
            });
        });
    }

    private Uni<Void> finish(AlertDelivery d, String status, String error) {
        return Panache.withTransaction(() -> AlertDelivery.update(
                "status = ?1, attempts = ?2, lastError = ?3, deliveredAt = ?4 where id = ?5", status, d.attempts + 1,
                error, status.equals("delivered") ? OffsetDateTime.now(ZoneOffset.UTC) : null, d.id))
                .replaceWithVoid();
    }
}
