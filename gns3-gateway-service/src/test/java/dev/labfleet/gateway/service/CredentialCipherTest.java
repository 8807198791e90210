package dev.labfleet.gateway.service;

import dev.labfleet.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CredentialCipherTest {

    static final String K1 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    static final String K2 = Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes());

    record Crypto(Optional<String> key, String keyId, Map<String, String> oldKeys, Optional<String> keyFile)
            implements GatewayConfig.Crypto {
    }

    @Test
    void roundTripsAndNeverShowsThePlaintext() {
        CredentialCipher cipher = new CredentialCipher(new Crypto(Optional.of(K1), "k1", Map.of(), Optional.empty()));
        UUID server = UUID.randomUUID();
        String sealed = cipher.encrypt(server, "hunter2");
        assertThat(sealed).startsWith("v1:k1:").doesNotContain("hunter2");
        assertThat(cipher.encrypt(server, "hunter2")).isNotEqualTo(sealed); // fresh IV each time
        assertThat(cipher.decrypt(server, sealed)).isEqualTo("hunter2");
        assertThat(cipher.encrypt(server, null)).isNull();
    }

    @Test
    void aCiphertextIsBoundToItsServer() {
        CredentialCipher cipher = new CredentialCipher(new Crypto(Optional.of(K1), "k1", Map.of(), Optional.empty()));
        String sealed = cipher.encrypt(UUID.randomUUID(), "hunter2");
        assertThatThrownBy(() -> cipher.decrypt(UUID.randomUUID(), sealed))
                .isInstanceOf(CredentialCipher.CredentialException.class);
    }

    @Test
    void rotationKeepsOldCiphertextsReadableAndMarksThemStale() {
        UUID server = UUID.randomUUID();
        String old = new CredentialCipher(new Crypto(Optional.of(K1), "k1", Map.of(), Optional.empty()))
                .encrypt(server, "hunter2");
        CredentialCipher rotated = new CredentialCipher(new Crypto(Optional.of(K2), "k2", Map.of("k1", K1),
                Optional.empty()));
        assertThat(rotated.decrypt(server, old)).isEqualTo("hunter2");
        assertThat(rotated.isStale(old)).isTrue();
        assertThat(rotated.isStale(rotated.encrypt(server, "x"))).isFalse();

        CredentialCipher forgotten = new CredentialCipher(new Crypto(Optional.of(K2), "k2", Map.of(), Optional.empty()));
        assertThatThrownBy(() -> forgotten.decrypt(server, old)).hasMessageContaining("'k1'");
    }

    @Test
    void aMissingKeyFileIsCreatedOnceAndReused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state/key");
        UUID server = UUID.randomUUID();
        String sealed = new CredentialCipher(new Crypto(Optional.empty(), "k1", Map.of(), Optional.of(file.toString())))
                .encrypt(server, "pw");
        assertThat(Files.readString(file).trim()).hasSize(44);
        assertThat(new CredentialCipher(new Crypto(Optional.empty(), "k1", Map.of(), Optional.of(file.toString())))
                .decrypt(server, sealed)).isEqualTo("pw");
    }

    @Test
    void noKeyAtAllFailsWithTheFix() {
        assertThatThrownBy(() -> new CredentialCipher(new Crypto(Optional.empty(), "k1", Map.of(), Optional.of(""))))
                .hasMessageContaining("LABFLEET_GATEWAY_CRYPTO_KEY");
        assertThatThrownBy(() -> new CredentialCipher(new Crypto(Optional.of("c2hvcnQ="), "k1", Map.of(), Optional.empty())))
                .hasMessageContaining("32 bytes");
    }
}
