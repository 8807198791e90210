package dev.labfleet.support.crypto;

import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretCipherTest {

    private static final String K1 = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());

    private static SecretCipher cipher(Optional<String> key, Optional<String> file) {
        return new SecretCipher(new SecretCipher.Keys("webhook secrets", "labfleet.x.crypto", "LABFLEET_X_KEY", key,
                "k1", Map.of(), file));
    }

    @Test
    void sealsPerContextAndSaysWhatIsWrongWithoutTheSecret() {
        SecretCipher cipher = cipher(Optional.of(K1), Optional.empty());
        String sealed = cipher.encrypt("rule-1", "s3cret-value");
        assertThat(SecretCipher.isCiphertext(sealed)).isTrue();
        assertThat(SecretCipher.isCiphertext("s3cret-value")).isFalse();
        assertThat(cipher.decrypt("rule-1", sealed)).isEqualTo("s3cret-value");
        assertThatThrownBy(() -> cipher.decrypt("rule-2", sealed))
                .isInstanceOf(SecretCipher.UnreadableSecretException.class)
                .hasMessage("cannot be decrypted with key 'k1'");
        assertThatThrownBy(() -> cipher.decrypt("rule-1", "s3cret-value")).hasMessage("has an unknown format");
        assertThat(cipher.isStale("s3cret-value")).isTrue();
        assertThat(cipher.isStale(sealed)).isFalse();
    }

    @Test
    void noKeyNamesTheServicesOwnSettings() {
        assertThatThrownBy(() -> cipher(Optional.empty(), Optional.of("")))
                .hasMessageContaining("webhook secrets").hasMessageContaining("LABFLEET_X_KEY")
                .hasMessageContaining("labfleet.x.crypto.key-file");
        assertThatThrownBy(() -> cipher(Optional.of("c2hvcnQ="), Optional.empty()))
                .hasMessage("labfleet.x.crypto.key must be 32 bytes (base64 of 32 random bytes), not 5");
    }
}
