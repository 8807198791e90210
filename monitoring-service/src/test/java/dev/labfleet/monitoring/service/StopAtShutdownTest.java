package dev.labfleet.monitoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.monitoring.client.GatewayClient;
import dev.labfleet.monitoring.config.MonitoringConfig;
import dev.labfleet.monitoring.model.FleetModel;
import dev.labfleet.monitoring.traffic.CaptureManager;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What runs on its own (the leader's tick, the fleet rebuild) stops at the application's ShutdownEvent, while the
 * container still runs: nothing starts afterwards and work caught mid-way goes no further, so none of it calls a bean
 * after the container stopped ("ArC container not initialized" in the logs of every test run's shutdown).
 */
class StopAtShutdownTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void closeVertx() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void aLeaderTickCaughtByTheShutdownGoesNoFurtherAndNoneStartsAfter() {
        MonitoringConfig config = DetectorsTest.config(Map.of());
        FleetModel model = new FleetModel(config);
        AtomicInteger renewals = new AtomicInteger();
        CompletableFuture<Boolean> lease = new CompletableFuture<>();
        Leadership leadership = new Leadership(null, model, config) {
            @Override
            public Uni<Boolean> renew() {
                renewals.incrementAndGet();
                return Uni.createFrom().completionStage(lease);
            }
        };
        AtomicInteger captureCalls = new AtomicInteger();
        CaptureManager captures = new CaptureManager(null, model, leadership, config, vertx, "http://127.0.0.1:1",
                null) {
            @Override
            public int readerCount() {
                captureCalls.incrementAndGet();
                return 0;
            }
        };
        LeaderLoop loop = new LeaderLoop(leadership, captures, null, null, null, config);

        AtomicBoolean done = new AtomicBoolean();
        loop.tick().subscribe().with(x -> done.set(true));
        assertThat(renewals).hasValue(1);
        loop.onStop(new ShutdownEvent()); // its own work (stop our captures, give up the lease) needs the application
        lease.complete(false); // the lease query answers after the stop
        assertThat(done).isTrue();
        assertThat(captureCalls).as("tick stages run after the stop").hasValue(0);

        assertThat(loop.tick().await().atMost(Duration.ofSeconds(5))).isNull();
        assertThat(renewals).as("ticks started after the stop").hasValue(1);
    }

    @Test
    void aRebuildRunningAtShutdownIsCancelled() {
        AtomicBoolean cancelled = new AtomicBoolean();
        GatewayClient gateway = new GatewayClient(null, null, null, Duration.ofSeconds(10)) {
            @Override
            public Uni<JsonNode> listServers() {
                return Uni.createFrom().<JsonNode>nothing().onCancellation().invoke(() -> cancelled.set(true));
            }
        };
        MonitoringConfig config = DetectorsTest.config(Map.of());
        FleetResync resync = new FleetResync(gateway, new FleetModel(config), config);
        resync.requestResync("start");
        assertThat(cancelled).isFalse();
        resync.onStop(new ShutdownEvent());
        assertThat(cancelled).as("the running rebuild cancelled").isTrue();
    }

    @Test
    void noRebuildStartsAfterShutdown() {
        AtomicInteger listed = new AtomicInteger();
        GatewayClient gateway = new GatewayClient(null, null, null, Duration.ofSeconds(10)) {
            @Override
            public Uni<JsonNode> listServers() {
                listed.incrementAndGet();
                return Uni.createFrom().failure(new IllegalStateException("the gateway is away"));
            }
        };
        MonitoringConfig config = DetectorsTest.config(Map.of());
        FleetResync resync = new FleetResync(gateway, new FleetModel(config), config);
        resync.requestResync("start");
        assertThat(listed).hasValue(1);
        resync.onStop(new ShutdownEvent());
        resync.requestResync("partitions assigned"); // a consumer's rebalance during the shutdown
        assertThat(listed).as("rebuilds started after the stop").hasValue(1);
    }
}
