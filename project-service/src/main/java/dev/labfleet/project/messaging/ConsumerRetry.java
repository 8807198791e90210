package dev.labfleet.project.messaging;

import dev.labfleet.project.config.EventConsumerConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.function.Supplier;

/**
 * Applies one consumed event until it sticks: every attempt starts afresh (a new read, a new transaction), pauses
 * grow up to the configured maximum, and the event is acknowledged only once applied. An event that still fails
 * after {@link EventConsumerConfig#giveUpAfter()} fails the message, and the channel's failure strategy
 * ({@code dead-letter-queue}) keeps it on the channel's dead-letter topic for inspection and replay: nothing is
 * acknowledged and lost.
 */
@ApplicationScoped
public class ConsumerRetry {

    private static final Logger LOG = Logger.getLogger(ConsumerRetry.class);

    private final EventConsumerConfig config;

    public ConsumerRetry(EventConsumerConfig config) {
        this.config = config;
    }

    /** @param what names the event in logs (no payload: events may carry names users typed) */
    public Uni<Void> untilApplied(String what, Supplier<Uni<Void>> attempt) {
        int[] failures = {0};
        return Uni.createFrom().<Void>deferred(attempt::get)
                .onFailure().invoke(e -> {
                    if (++failures[0] == 3) {
                        LOG.warnf("%s: not applied yet (%s); retrying for up to %s", what, e.toString(),
                                config.giveUpAfter());
                    }
                })
                .onFailure().retry().withBackOff(config.firstBackoff(), config.maxBackoff())
                .expireIn(config.giveUpAfter().toMillis())
                .invoke(() -> {
                    if (failures[0] >= 3) {
                        LOG.infof("%s: applied after %d failed attempt(s)", what, failures[0]);
                    }
                })
                .onFailure().invoke(e -> LOG.errorf("%s: not applied within %s (%s); sent to the dead-letter topic",
                        what, config.giveUpAfter(), e.toString()));
    }
}
