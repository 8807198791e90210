package dev.labfleet.support.logging;

import org.junit.jupiter.api.Test;

import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class KnownNoiseFilterTest {

    private static LogRecord record(String logger, String message) {
        LogRecord record = new LogRecord(Level.WARNING, message);
        record.setLoggerName(logger);
        return record;
    }

    @Test
    void dropsOnlyTheTwoHibernateReactiveBulkCleanupWarnings() {
        KnownNoiseFilter filter = new KnownNoiseFilter();
        assertThat(filter.isLoggable(record("org.hibernate.orm.session",
                "HHH90010101: Closing shared session with unprocessed transaction completion actions"))).isFalse();
        assertThat(filter.isLoggable(record("org.hibernate.orm.session",
                "HHH90010108: Closing session with unprocessed clean up bulk operations, forcing their execution")))
                .isFalse();
        assertThat(filter.isLoggable(record("org.hibernate.orm.session", "HHH90010102: something else"))).isTrue();
        assertThat(filter.isLoggable(record("dev.labfleet.outbox.OutboxRelay", "HHH90010101: quoted elsewhere")))
                .isTrue();
        assertThat(filter.isLoggable(record("org.hibernate.orm.session", null))).isTrue();
    }

    @Test
    void dropsOnlyTheRedisPoolGaugeReRegistrationWarning() {
        KnownNoiseFilter filter = new KnownNoiseFilter();
        String redis = "This Gauge has been already registered (MeterId{name='redis.pool.queue.size', "
                + "tags=[tag(pool.name=<default>),tag(pool.type=redis)]}), the registration will be ignored. Note that "
                + "subsequent logs will be logged at debug level.";
        assertThat(filter.isLoggable(record("io.micrometer.core.instrument.MeterRegistry", redis))).isFalse();
        assertThat(filter.isLoggable(record("io.micrometer.core.instrument.MeterRegistry",
                redis.replace("redis.pool.queue.size", "labfleet_gateway_calls")))).isTrue();
        assertThat(filter.isLoggable(record("dev.labfleet.gateway.Something", redis))).isTrue();
        assertThat(filter.isLoggable(record("io.micrometer.core.instrument.MeterRegistry", null))).isTrue();
    }
}
