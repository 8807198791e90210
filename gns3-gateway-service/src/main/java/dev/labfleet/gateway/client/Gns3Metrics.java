package dev.labfleet.gateway.client;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's GNS3 metrics: {@code gns3_api_requests_total{server,operation,status}},
 * {@code gns3_api_request_seconds{server,operation}} (histogram), {@code gns3_circuit_breaker_state{server}}
 * (0 closed, 1 half-open, 2 open), {@code gns3_server_up{server}} and the bridge's events published and failed.
 */
@ApplicationScoped
public class Gns3Metrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> breakerStates = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> serversUp = new ConcurrentHashMap<>();
    private final Counter eventsPublished;
    private final Counter eventsFailed;
    private final Map<MeterKey, Counter> requests = new ConcurrentHashMap<>();
    private final Map<MeterKey, Timer> durations = new ConcurrentHashMap<>();

    public Gns3Metrics(MeterRegistry registry) {
        this.registry = registry;
        this.eventsPublished = Counter.builder("gns3.events.published")
                .description("GNS3 notifications and gateway events acknowledged by Kafka").register(registry);
        this.eventsFailed = Counter.builder("gns3.events.failed")
                .description("GNS3 notifications and gateway events Kafka did not acknowledge").register(registry);
    }

    /**
     * Records one call. Meters are looked up once per (server, operation, status) and kept: building and
     * registering them on every call (tag sorting, registry lookups) cost more than the call's own bookkeeping.
     */
    public void request(String server, String operation, String status, long nanos) {
        requests.computeIfAbsent(new MeterKey(server, operation, status), k -> Counter.builder("gns3.api.requests")
                .description("Calls to GNS3 servers, by outcome")
                .tag("server", k.server()).tag("operation", k.operation()).tag("status", k.status())
                .register(registry)).increment();
        durations.computeIfAbsent(new MeterKey(server, operation, null), k -> Timer.builder("gns3.api.request")
                .description("Duration of calls to GNS3 servers")
                .tag("server", k.server()).tag("operation", k.operation())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** Forgets a server's meters (it was renamed or deleted); the registry keeps what was already exported. */
    public void forget(String server) {
        requests.keySet().removeIf(k -> k.server().equals(server));
        durations.keySet().removeIf(k -> k.server().equals(server));
    }

    private record MeterKey(String server, String operation, String status) {
    }

    public void breakerState(String server, CircuitBreakerState state) {
        int value = switch (state) {
            case CLOSED -> 0;
            case HALF_OPEN -> 1;
            case OPEN -> 2;
        };
        gauge(breakerStates, "gns3.circuit.breaker.state", "Circuit breaker per GNS3 server: 0 closed, 1 half-open, 2 open",
                server).set(value);
    }

    public void serverUp(String server, boolean up) {
        gauge(serversUp, "gns3.server.up", "1 when the GNS3 server's last health check found it UP or DEGRADED", server)
                .set(up ? 1 : 0);
    }

    public void eventPublished() {
        eventsPublished.increment();
    }

    public void eventFailed() {
        eventsFailed.increment();
    }

    private AtomicInteger gauge(Map<String, AtomicInteger> holders, String name, String description, String server) {
        return holders.computeIfAbsent(server, s -> {
            AtomicInteger holder = new AtomicInteger();
            Gauge.builder(name, holder, AtomicInteger::get).description(description).tag("server", s).register(registry);
            return holder;
        });
    }
}
