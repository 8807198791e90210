package dev.labfleet.monitoring.service;

import dev.labfleet.support.crypto.SecretCipher;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.domain.AlertRule;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;

/**
 * Webhook secrets at rest: AES-256-GCM (service-support's {@link SecretCipher}), each bound to its rule's id so a
 * ciphertext copied onto another rule does not decrypt. Keys: {@code labfleet.monitoring.alerts.crypto.*}
 * ({@code LABFLEET_MONITORING_CRYPTO_KEY}, else a key file created on first start); every replica needs the same key.
 * Rows stored before encryption (plaintext) or with an old key are re-encrypted by the leader at its first round.
 */
@Startup // a missing or malformed key stops the service at startup, not at the first alert
@ApplicationScoped
public class WebhookSecrets {

    private static final Logger LOG = Logger.getLogger(WebhookSecrets.class);

    private final SecretCipher cipher;

    @Inject
    public WebhookSecrets(MonitoringConfig config) {
        MonitoringConfig.Crypto c = config.alerts().crypto();
        this.cipher = new SecretCipher(new SecretCipher.Keys("webhook secrets", "labfleet.monitoring.alerts.crypto",
                "LABFLEET_MONITORING_CRYPTO_KEY", c.key(), c.keyId(), c.oldKeys(), c.keyFile()));
    }

    /** The value to store for a rule's secret. */
    public String seal(UUID ruleId, String secret) {
        return cipher.encrypt(ruleId.toString(), secret);
    }

    /**
     * The rule's secret for signing. A value stored before encryption was introduced is used as it is (and resealed
     * by {@link #resealStale()}).
     *
     * @throws SecretCipher.UnreadableSecretException when it is damaged, bound to another rule or of an unknown key
     */
    public String reveal(AlertRule rule) {
        if (rule.secret == null || !SecretCipher.isCiphertext(rule.secret)) {
            return rule.secret;
        }
        return cipher.decrypt(rule.id.toString(), rule.secret);
    }

    /** Re-encrypts plaintext secrets and those of an old key with the current key; answers how many. */
    public Uni<Integer> resealStale() {
        return Panache.withTransaction(() -> AlertRule.<AlertRule>listAll().map((List<AlertRule> rules) -> {
            int n = 0;
            for (AlertRule rule : rules) {
                if (rule.secret != null && cipher.isStale(rule.secret)) {
                    try {
                        rule.secret = seal(rule.id, reveal(rule));
                        n++;
                    } catch (SecretCipher.UnreadableSecretException e) {
                        LOG.warnf("alert rule %s: its webhook secret %s", rule.id, e.getMessage());
                    }
                }
            }
            if (n > 0) {
                LOG.infof("re-encrypted %d webhook secret(s) with the current key", n);
            }
            return n;
        }));
    }
}
