package dev.labfleet.support.logging;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

class SecretMaskTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWJ5dGVz";

    @Test
    void masksAuthorizationValuesAndJwts() {
        assertThat(SecretMask.mask("Authorization: Bearer abcdef123456")).isEqualTo("Authorization: Bearer ***");
        assertThat(SecretMask.mask("headers={authorization=Basic YWxpY2U6c2VjcmV0}"))
                .isEqualTo("headers={authorization=Basic ***}");
        assertThat(SecretMask.mask("token " + JWT + " refused")).isEqualTo("token *** refused");
        assertThat(SecretMask.mask("GET /api/v1/projects 200")).isEqualTo("GET /api/v1/projects 200");
    }

    @Test
    void theConsoleFilterMasksFormattedRecords() {
        ExtLogRecord record = new ExtLogRecord(Level.INFO, "calling with %s", ExtLogRecord.FormatStyle.PRINTF,
                "x.Logger");
        record.setParameters(new Object[] {"Authorization: Bearer " + JWT});
        assertThat(new KnownNoiseFilter().isLoggable(record)).isTrue();
        assertThat(record.getFormattedMessage()).isEqualTo("calling with Authorization: Bearer ***");
    }
}
