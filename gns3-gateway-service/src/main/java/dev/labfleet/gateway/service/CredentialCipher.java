package dev.labfleet.gateway.service;

import dev.labfleet.support.crypto.SecretCipher;
import dev.labfleet.gateway.config.GatewayConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.UUID;

/**
 * AES-256-GCM encryption of stored GNS3 passwords (service-support's {@link SecretCipher}). A ciphertext reads
 * {@code v1:<keyId>:<base64(iv|ct|tag)>} and is bound to its server id (additional authenticated data), so it cannot
 * be copied onto another row. New ciphertexts use the current key; ciphertexts of old keys (config {@code old-keys})
 * stay readable until re-encrypted.
 *
 * <p>Key source, in order: {@code labfleet.gateway.crypto.key}; else the key file, created with a random key and a
 * warning when missing (so {@code ./labfleet up} works and survives restarts); else startup fails with the fix.
 * With several replicas every replica must get the same key: set {@code LABFLEET_GATEWAY_CRYPTO_KEY} from a secret.
 */
@Startup // a missing or malformed key stops the service at startup, not at the first request
@ApplicationScoped
public class CredentialCipher {

    private final SecretCipher cipher;

    @Inject
    public CredentialCipher(GatewayConfig config) {
        this(config.crypto());
    }

    public CredentialCipher(GatewayConfig.Crypto crypto) {
        this.cipher = new SecretCipher(new SecretCipher.Keys("GNS3 credentials", "labfleet.gateway.crypto",
                "LABFLEET_GATEWAY_CRYPTO_KEY", crypto.key(), crypto.keyId(), crypto.oldKeys(), crypto.keyFile()));
    }

    public String encrypt(UUID serverId, String plaintext) {
        return cipher.encrypt(serverId.toString(), plaintext);
    }

    /**
     * @throws CredentialException when the ciphertext is damaged, bound to another server, or of an unknown key
     */
    public String decrypt(UUID serverId, String ciphertext) {
        try {
            return cipher.decrypt(serverId.toString(), ciphertext);
        } catch (SecretCipher.UnreadableSecretException e) {
            throw new CredentialException("stored credential " + e.getMessage());
        }
    }

    /** Whether a ciphertext was made with an older key and should be re-encrypted. */
    public boolean isStale(String ciphertext) {
        return cipher.isStale(ciphertext);
    }

    /** A stored credential that cannot be used. */
    public static class CredentialException extends RuntimeException {
        public CredentialException(String message) {
            super(message, null, false, false);
        }
    }
}
