package dev.labfleet.support.logging;

import io.quarkus.logging.LoggingFilter;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Every service's console filter: masks credentials in every line ({@link SecretMask}: Authorization values, JWTs),
 * and drops three warnings that say nothing is wrong, so that a service at rest logs nothing at WARN or above.
 *
 * <p>Hibernate Reactive 3.2.2 (Quarkus 3.32.1) files the clean-up of a bulk HQL update or delete (evicting the
 * second-level cache regions it touched) in Hibernate ORM's action queue instead of its own, so that queue still
 * holds it when the session closes after the transaction committed: {@code HHH90010101} ("Closing shared session
 * with unprocessed transaction completion actions") and {@code HHH90010108} ("Closing session with unprocessed clean
 * up bulk operations, forcing their execution") follow every bulk statement, e.g. every sweep of interrupted
 * operations (30 s) or outbox clean-up. Hibernate then runs the clean-up itself, and Labfleet has no second-level
 * cache, so nothing is lost. Fixed upstream by hibernate-reactive#3177 (ReactiveBulkOperationCleanupAction, 3.2
 * backport #3181); drop this filter when the Quarkus platform brings that release.
 *
 * <p>At start, every service with the Redis client logged {@code This Gauge has been already registered
 * (MeterId{name='redis.pool.queue.size', ...})}: Quarkus' Vert.x pool metrics register the Redis pool's gauges once
 * per pool user, and Micrometer 1.14+ warns on the second registration of the same id, which it ignores (the gauge
 * exists and reports the pool). Quarkus fixed it with its own gauge builder (quarkus#54122, 3.37; the same warning
 * for SQL pools is quarkus#47504); drop that case too when the platform brings it.
 */
@LoggingFilter(name = "labfleet-known-noise")
public final class KnownNoiseFilter implements Filter {

    private static final String SESSION_LOGGER = "org.hibernate.orm.session";
    private static final String METER_REGISTRY_LOGGER = "io.micrometer.core.instrument.MeterRegistry";

    @Override
    public boolean isLoggable(LogRecord record) {
        mask(record);
        String message = record.getMessage();
        if (METER_REGISTRY_LOGGER.equals(record.getLoggerName())) {
            return message == null || !(message.startsWith("This Gauge has been already registered")
                    && message.contains("name='redis.pool."));
        }
        if (!SESSION_LOGGER.equals(record.getLoggerName())) {
            return true;
        }
        return message == null || !(message.startsWith("HHH90010101") || message.startsWith("HHH90010108"));
    }

    /** Replaces the record's message by its formatted, masked text when that text holds a credential. */
    static void mask(LogRecord record) {
        String message = record.getMessage();
        Object[] parameters = record.getParameters();
        boolean suspect = SecretMask.suspect(message);
        if (!suspect && parameters != null) {
            for (Object p : parameters) {
                if (p != null && SecretMask.suspect(String.valueOf(p))) {
                    suspect = true;
                    break;
                }
            }
        }
        if (!suspect) {
            return;
        }
        String formatted = record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                : parameters == null || parameters.length == 0 ? message
                : java.text.MessageFormat.format(message, parameters);
        String masked = SecretMask.mask(formatted);
        if (record instanceof org.jboss.logmanager.ExtLogRecord ext) {
            ext.setMessage(masked, org.jboss.logmanager.ExtLogRecord.FormatStyle.NO_FORMAT);
        } else {
            record.setMessage(masked);
        }
        record.setParameters(null);
    }
}
