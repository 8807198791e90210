package dev.labfleet.monitoring.service;

import dev.labfleet.support.crypto.SecretCipher;
import dev.labfleet.monitoring.domain.AlertRule;
import dev.labfleet.monitoring.support.MonitoringStandIn;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Webhook secrets are stored encrypted, bound to their rule; plaintext and old-key rows are resealed. */
@QuarkusTest
@QuarkusTestResource(MonitoringStandIn.class)
class WebhookSecretsTest {

    /** The %test old key (t1) of application.properties. */
    private static final String OLD_KEY = "b2xkLXRlc3Qta2V5LWxhYmZsZWV0LW1vbml0b3ItMDE=";

    @Inject
    Pool pool;

    @Inject
    WebhookSecrets secrets;

    private String stored(UUID id) {
        Row row = pool.preparedQuery("SELECT secret FROM monitoring_alert_rule WHERE id = $1").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(10)).iterator().next();
        return row.getString("secret");
    }

    private static AlertRule rule(UUID id, String secret) {
        AlertRule r = new AlertRule();
        r.id = id;
        r.secret = secret;
        return r;
    }

    private void insert(UUID id, String secret) {
        pool.preparedQuery("INSERT INTO monitoring_alert_rule (id, name, url, secret, min_severity, created_at) "
                        + "VALUES ($1, 'legacy', 'http://127.0.0.1:9/hook', $2, 'warning', $3)")
                .execute(Tuple.of(id, secret, OffsetDateTime.now(ZoneOffset.UTC))).await().atMost(Duration.ofSeconds(10));
    }

    private int reseal() {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(() -> secrets.resealStale());
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aRulesSecretIsStoredEncryptedAndBoundToItsRule() {
        String secret = "webhook-secret-" + UUID.randomUUID();
        UUID id = UUID.fromString(given().contentType("application/json").body(Map.of("name", "enc", "url",
                        "http://127.0.0.1:9/hook", "secret", secret)).post("/api/v1/monitoring/alert-rules").then()
                .statusCode(201).extract().path("id"));
        String stored = stored(id);
        assertThat(stored).startsWith("v1:t2:").doesNotContain(secret).doesNotContain(secret.substring(15));
        assertThat(secrets.reveal(rule(id, stored))).isEqualTo(secret);
        // copied onto another rule, it does not decrypt
        assertThatThrownBy(() -> secrets.reveal(rule(UUID.randomUUID(), stored)))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class).hasMessageNotContaining(secret);
        // nor when damaged
        String damaged = stored.substring(0, stored.length() - 6) + (stored.endsWith("AAAA==") ? "BBBB==" : "AAAA==");
        assertThatThrownBy(() -> secrets.reveal(rule(id, damaged))).isInstanceOf(SecretCipher.UnreadableSecretException.class);
        // the API never shows it
        String listed = given().get("/api/v1/monitoring/alert-rules").then().statusCode(200).extract().asString();
        assertThat(listed).doesNotContain(secret).doesNotContain(stored);
        given().delete("/api/v1/monitoring/alert-rules/" + id).then().statusCode(204);
    }

    @Test
    void plaintextAndOldKeySecretsAreResealedWithTheCurrentKey() {
        UUID legacy = UUID.randomUUID();
        UUID rotated = UUID.randomUUID();
        UUID foreign = UUID.randomUUID();
        SecretCipher old = new SecretCipher(new SecretCipher.Keys("test", "t", "T", Optional.of(OLD_KEY), "t1",
                Map.of(), Optional.empty()));
        insert(legacy, "stored-before-encryption-1");
        insert(rotated, old.encrypt(rotated.toString(), "sealed-with-the-old-key-1"));
        insert(foreign, old.encrypt(UUID.randomUUID().toString(), "bound-to-another-rule-1"));
        try {
            // a plaintext row still signs (until resealed); an old-key row decrypts
            assertThat(secrets.reveal(rule(legacy, "stored-before-encryption-1"))).isEqualTo("stored-before-encryption-1");
            reseal(); // (the leader does it at its first round)
            String a = stored(legacy);
            String b = stored(rotated);
            assertThat(a).startsWith("v1:t2:").doesNotContain("stored-before-encryption");
            assertThat(b).startsWith("v1:t2:");
            assertThat(secrets.reveal(rule(legacy, a))).isEqualTo("stored-before-encryption-1");
            assertThat(secrets.reveal(rule(rotated, b))).isEqualTo("sealed-with-the-old-key-1");
            assertThat(stored(foreign)).startsWith("v1:t1:"); // unreadable: left as it was, and reported in the log
            assertThat(reseal()).isZero();
        } finally {
            pool.preparedQuery("DELETE FROM monitoring_alert_rule WHERE id = ANY($1)")
                    .execute(Tuple.of(List.of(legacy, rotated, foreign).toArray(UUID[]::new)))
                    .await().atMost(Duration.ofSeconds(10));
        }
    }
}
