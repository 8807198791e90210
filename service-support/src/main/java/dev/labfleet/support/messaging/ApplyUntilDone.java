package dev.labfleet.support.messaging;

import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * For Kafka consumers whose work can fail for a while (the database or Redis away): applies one message (or one
 * poll's batch) until it sticks, each attempt started afresh, pauses growing from {@code firstBackoff} to
 * {@code maxBackoff}. The message is acknowledged only once applied, and the partition keeps its order meanwhile.
 * After {@code giveUpAfter} the returned {@code Uni} fails, so that the channel's failure strategy (a dead-letter
 * topic) keeps the message: nothing is acknowledged and silently dropped.
 *
 * <p>Channels commit with the {@code latest} strategy (service-support's shared configuration): a record waiting here
 * is never reported stuck by the commit strategy, and its offset is committed once it is acknowledged.
 */
public record ApplyUntilDone(Duration firstBackoff, Duration maxBackoff, Duration giveUpAfter) {

    private static final Logger LOG = Logger.getLogger(ApplyUntilDone.class);
    /** Failures before the first warning: a lost optimistic-lock race or a blip is retried without noise. */
    private static final int QUIET_FAILURES = 3;

    public ApplyUntilDone {
        if (firstBackoff.isNegative() || firstBackoff.isZero() || maxBackoff.compareTo(firstBackoff) < 0
                || giveUpAfter.isNegative() || giveUpAfter.isZero()) {
            throw new IllegalArgumentException("backoffs must be positive and ordered, giveUpAfter positive");
        }
    }

    /**
     * @param what    names the message in logs (ids only: events may carry names users typed, never secrets)
     * @param attempt one attempt; called again for each retry
     */
    public Uni<Void> apply(String what, Supplier<Uni<Void>> attempt) {
        int[] failures = {0};
        return Uni.createFrom().<Void>deferred(attempt::get)
                .onFailure().invoke(e -> {
                    if (++failures[0] == QUIET_FAILURES) {
                        LOG.warnf("%s: not applied yet (%s); retrying for up to %s", what, e.toString(), giveUpAfter);
                    }
                })
                .onFailure().retry().withBackOff(firstBackoff, maxBackoff).expireIn(giveUpAfter.toMillis())
                .invoke(() -> {
                    if (failures[0] >= QUIET_FAILURES) {
                        LOG.infof("%s: applied after %d failed attempt(s)", what, failures[0]);
                    }
                })
                .onFailure().invoke(e -> LOG.errorf("%s: not applied within %s (%s); the message goes to the "
                        + "channel's failure strategy", what, giveUpAfter, e.toString()));
    }
}
