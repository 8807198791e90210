package dev.labfleet.gateway.service;

import dev.labfleet.gateway.config.GatewayConfig;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * AES-256-GCM encryption of stored GNS3 passwords. A ciphertext reads {@code v1:<keyId>:<base64(iv|ct|tag)>} and is
 * bound to its server id (additional authenticated data), so it cannot be copied onto another row. New ciphertexts
 * use the current key; ciphertexts of old keys (config {@code old-keys}) stay readable until re-encrypted.
 *
 * <p>Key source, in order: {@code labfleet.gateway.crypto.key}; else the key file, created with a random key and a
 * warning when missing (so {@code ./labfleet up} works and survives restarts); else startup fails with the fix.
 * With several replicas every replica must get the same key: set {@code LABFLEET_GATEWAY_CRYPTO_KEY} from a secret.
 */
@Startup // a missing or malformed key stops the service at startup, not at the first request
@ApplicationScoped
public class CredentialCipher {

    private static final Logger LOG = Logger.getLogger(CredentialCipher.class);
    private static final String PREFIX = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String currentKeyId;
    private final Map<String, SecretKey> keys = new HashMap<>();

    @Inject
    public CredentialCipher(GatewayConfig config) {
        this(config.crypto());
    }

    public CredentialCipher(GatewayConfig.Crypto crypto) {
        this.currentKeyId = crypto.keyId();
        if (currentKeyId.contains(":")) {
            throw new IllegalStateException("labfleet.gateway.crypto.key-id must not contain ':'");
        }
        String current = crypto.key().filter(k -> !k.isBlank())
                .orElseGet(() -> fromFile(crypto.keyFile().filter(f -> !f.isBlank()).orElseThrow(() ->
                        new IllegalStateException("no encryption key for GNS3 credentials: set LABFLEET_GATEWAY_CRYPTO_KEY "
                                + "(base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or labfleet.gateway.crypto.key-file"))));
        keys.put(currentKeyId, key("labfleet.gateway.crypto.key", current));
        crypto.oldKeys().forEach((id, value) -> keys.putIfAbsent(id, key("labfleet.gateway.crypto.old-keys." + id, value)));
    }

    public String encrypt(UUID serverId, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(serverId));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return PREFIX + ":" + currentKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a credential", e);
        }
    }

    /**
     * @throws CredentialException when the ciphertext is damaged, bound to another server, or of an unknown key
     */
    public String decrypt(UUID serverId, String ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        String[] parts = ciphertext.split(":", 3);
        if (parts.length != 3 || !PREFIX.equals(parts[0])) {
            throw new CredentialException("stored credential has an unknown format");
        }
        SecretKey key = keys.get(parts[1]);
        if (key == null) {
            throw new CredentialException("stored credential was encrypted with key '" + parts[1]
                    + "', which is not configured (add it to labfleet.gateway.crypto.old-keys)");
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(aad(serverId));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CredentialException("stored credential cannot be decrypted with key '" + parts[1] + "'");
        }
    }

    /** Whether a ciphertext was made with an older key and should be re-encrypted. */
    public boolean isStale(String ciphertext) {
        return ciphertext != null && !ciphertext.startsWith(PREFIX + ":" + currentKeyId + ":");
    }

    private static byte[] aad(UUID serverId) {
        return serverId.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static SecretKey key(String name, String base64) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + " is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException(name + " must be 32 bytes (base64 of 32 random bytes), not " + raw.length);
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** Reads the key file, or creates it with a fresh random key (startup only: blocking I/O is fine here). */
    private static String fromFile(String file) {
        Path path = Path.of(file.replaceFirst("^~", System.getProperty("user.home")));
        try {
            if (Files.exists(path)) {
                return Files.readString(path).trim();
            }
            byte[] raw = new byte[32];
            RANDOM.nextBytes(raw);
            String key = Base64.getEncoder().encodeToString(raw);
            Files.createDirectories(path.toAbsolutePath().getParent());
            Files.writeString(path, key + "\n");
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
            if (LaunchMode.current() == LaunchMode.NORMAL) {
                LOG.warnf("generated a new encryption key for GNS3 credentials in %s: back it up, and give every replica "
                        + "the same key through LABFLEET_GATEWAY_CRYPTO_KEY in production", path);
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the credential key file " + path
                    + "; set LABFLEET_GATEWAY_CRYPTO_KEY instead", e);
        }
    }

    /** A stored credential that cannot be used. */
    public static class CredentialException extends RuntimeException {
        public CredentialException(String message) {
            super(message, null, false, false);
        }
    }
}
