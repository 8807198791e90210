package dev.labfleet.support.crypto;

import io.quarkus.runtime.LaunchMode;
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
import java.util.Optional;

/**
 * AES-256-GCM encryption of secrets stored at rest (the gateway's GNS3 passwords, monitoring-service's webhook
 * secrets), with the JDK's own cipher. A ciphertext reads {@code v1:<keyId>:<base64(iv|ct|tag)>} and is bound to a
 * context (additional authenticated data, e.g. the owning row's id), so it cannot be copied onto another row. New
 * ciphertexts use the current key; ciphertexts of old keys stay readable until re-encrypted ({@link #isStale}).
 *
 * <p>Key source, in order: the configured key; else the key file, created with a random key (mode 0600, with a
 * warning) when missing, so a fresh machine works and survives restarts; else construction fails with the fix.
 * With several replicas every replica must get the same key, from a secret. Each service wraps one of these in its
 * own bean with its own configuration names ({@link Keys}).
 */
public final class SecretCipher {

    private static final Logger LOG = Logger.getLogger(SecretCipher.class);
    private static final String PREFIX = "v1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String currentKeyId;
    private final Map<String, SecretKey> keys = new HashMap<>();

    /**
     * Where a service's keys come from, and the names to tell an operator.
     *
     * @param what         what is encrypted, for messages ("GNS3 credentials")
     * @param configPrefix the configuration prefix, e.g. {@code labfleet.gateway.crypto}
     * @param envVar       the environment variable of the current key, e.g. {@code LABFLEET_GATEWAY_CRYPTO_KEY}
     * @param key          the current key (base64 of 32 bytes), when configured
     * @param keyId        the current key's id
     * @param oldKeys      previous keys by id, for decrypting only
     * @param keyFile      the key file used when {@code key} is absent
     */
    public record Keys(String what, String configPrefix, String envVar, Optional<String> key, String keyId,
                       Map<String, String> oldKeys, Optional<String> keyFile) {
    }

    public SecretCipher(Keys config) {
        this.currentKeyId = config.keyId();
        if (currentKeyId.contains(":")) {
            throw new IllegalStateException(config.configPrefix() + ".key-id must not contain ':'");
        }
        String current = config.key().filter(k -> !k.isBlank())
                .orElseGet(() -> fromFile(config, config.keyFile().filter(f -> !f.isBlank()).orElseThrow(() ->
                        new IllegalStateException("no encryption key for " + config.what() + ": set " + config.envVar()
                                + " (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) or "
                                + config.configPrefix() + ".key-file"))));
        keys.put(currentKeyId, key(config.configPrefix() + ".key", current));
        config.oldKeys().forEach((id, value) ->
                keys.putIfAbsent(id, key(config.configPrefix() + ".old-keys." + id, value)));
    }

    /** Whether a stored value is a ciphertext of this format (rather than a value stored before encryption). */
    public static boolean isCiphertext(String stored) {
        return stored != null && stored.startsWith(PREFIX + ":");
    }

    public String encrypt(String context, String plaintext) {
        if (plaintext == null) {
            return null;
        }
        try {
            byte[] iv = new byte[IV_BYTES];
            RANDOM.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[iv.length + ct.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return PREFIX + ":" + currentKeyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a secret", e);
        }
    }

    /**
     * @throws UnreadableSecretException when the ciphertext is damaged, bound to another context, or of an unknown
     *                                   key
     */
    public String decrypt(String context, String ciphertext) {
        if (ciphertext == null) {
            return null;
        }
        String[] parts = ciphertext.split(":", 3);
        if (parts.length != 3 || !PREFIX.equals(parts[0])) {
            throw new UnreadableSecretException("has an unknown format");
        }
        SecretKey key = keys.get(parts[1]);
        if (key == null) {
            throw new UnreadableSecretException("was encrypted with key '" + parts[1]
                    + "', which is not configured (add it to the old keys)");
        }
        try {
            byte[] in = Base64.getDecoder().decode(parts[2]);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new UnreadableSecretException("cannot be decrypted with key '" + parts[1] + "'");
        }
    }

    /** Whether a ciphertext was made with an older key (or is no ciphertext) and should be re-encrypted. */
    public boolean isStale(String ciphertext) {
        return ciphertext != null && !ciphertext.startsWith(PREFIX + ":" + currentKeyId + ":");
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
    private static String fromFile(Keys config, String file) {
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
                LOG.warnf("generated a new encryption key for %s in %s: back it up, and give every replica the same "
                        + "key through %s in production", config.what(), path, config.envVar());
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key file " + path + " for " + config.what()
                    + "; set " + config.envVar() + " instead", e);
        }
    }

    /** A stored secret that cannot be used; the message says why (never the secret). */
    public static class UnreadableSecretException extends RuntimeException {
        public UnreadableSecretException(String message) {
            super(message, null, false, false);
        }
    }
}
