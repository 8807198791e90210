package dev.labfleet.support.messaging;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerDrainTest {

    @Test
    void nothingEverReceivedIsDrainedAtOnce() {
        ConsumerDrain.InFlight inFlight = new ConsumerDrain.InFlight(System::nanoTime);
        assertThat(inFlight.awaitQuiet(Duration.ofMillis(100), Duration.ofSeconds(30))).isTrue();
    }

    @Test
    void aMessageInHandHoldsTheDrainUntilTheTimeout() {
        ConsumerDrain.InFlight inFlight = new ConsumerDrain.InFlight(System::nanoTime);
        inFlight.received();
        assertThat(inFlight.awaitQuiet(Duration.ofMillis(10), Duration.ofMillis(200))).isFalse();
        assertThat(inFlight.count()).isEqualTo(1);
    }

    @Test
    void theDrainEndsOnceTheLastMessageIsAcknowledged() throws Exception {
        ConsumerDrain.InFlight inFlight = new ConsumerDrain.InFlight(System::nanoTime);
        inFlight.received();
        inFlight.received();
        inFlight.done();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                () -> inFlight.awaitQuiet(Duration.ofMillis(10), Duration.ofSeconds(30)));
        // still one in hand: the drain must not end on its own
        assertThat(drained.completeOnTimeout(null, 300, TimeUnit.MILLISECONDS).get()).isNull();
        CompletableFuture<Boolean> again = CompletableFuture.supplyAsync(
                () -> inFlight.awaitQuiet(Duration.ofMillis(10), Duration.ofSeconds(30)));
        inFlight.done();
        assertThat(again.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(inFlight.count()).isZero();
    }

    @Test
    void aMessageJustReceivedAndAlreadyDoneStillWaitsForTheQuietPeriod() {
        long[] now = {1_000_000_000L};
        ConsumerDrain.InFlight inFlight = new ConsumerDrain.InFlight(() -> now[0]);
        inFlight.received();
        inFlight.done();
        // the clock does not move: the next record of the queue may be on its way, so this is not yet quiet
        assertThat(inFlight.awaitQuiet(Duration.ofMillis(100), Duration.ZERO)).isFalse();
        now[0] += Duration.ofMillis(100).toNanos();
        assertThat(inFlight.awaitQuiet(Duration.ofMillis(100), Duration.ZERO)).isTrue();
    }

    @Test
    void moreAcknowledgementsThanMessagesNeverHideOneInHand() {
        ConsumerDrain.InFlight inFlight = new ConsumerDrain.InFlight(System::nanoTime);
        inFlight.done();
        inFlight.done();
        inFlight.received();
        assertThat(inFlight.count()).isEqualTo(1);
    }
}
