package dev.labfleet.support.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Startup;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Readiness that keeps the API in service. Losing Kafka only delays events (outbox writers keep them until the
 * broker is back, consumers resume from their offsets) and losing Redis only costs caches and counters, so neither
 * takes a replica out of service: behind a Kubernetes Service every replica would go at once and the API would be
 * down although it works. This check reports them instead, in its data ({@code kafka: DOWN since ...}) and as the
 * gauge {@code labfleet_dependency_up{dependency}}, and always answers UP. What no request can do without (the
 * service's own PostgreSQL: Quarkus' datasource check) still makes the replica not ready.
 * <p>
 * A probe speaks each dependency's protocol every {@code labfleet.health.probe-interval} from the event loop
 * (Kafka: an ApiVersions request, Redis: PING), so the check itself never blocks or waits.
 * <p>
 * The data and the gauge follow every probe; the log warns only once the dependency has been unreachable for
 * {@code labfleet.health.warn-after} (10 s) without a break. One probe left unanswered for 1.5 s is what a busy
 * host's broker does now and then (four services at rest each warned "kafka is unreachable" and "answers again"
 * within one second, #17 item 3); such blips are logged at DEBUG, an outage still at WARN (with the time it began)
 * and its end at INFO.
 */
@Readiness
@ApplicationScoped
public class DegradingDependenciesCheck implements HealthCheck {

    static final String NAME = "Degrading dependencies (reported, never not-ready)";
    private static final Logger LOG = Logger.getLogger(DegradingDependenciesCheck.class);

    private final Vertx vertx;
    private final MeterRegistry registry;
    private final List<String> names;
    private final String kafkaServers;
    private final Optional<String> redisHosts;
    private final Duration interval;
    private final Duration timeout;
    private final Duration warnAfter;
    private final Map<String, State> states = new ConcurrentHashMap<>();
    private NetClient client;
    private long timer = -1;

    public DegradingDependenciesCheck(Vertx vertx, MeterRegistry registry,
                                      @ConfigProperty(name = "labfleet.health.degrading", defaultValue = "kafka,redis") List<String> names,
                                      @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092") String kafkaServers,
                                      @ConfigProperty(name = "quarkus.redis.hosts") Optional<String> redisHosts,
                                      @ConfigProperty(name = "labfleet.health.probe-interval", defaultValue = "2s") Duration interval,
                                      @ConfigProperty(name = "labfleet.health.probe-timeout", defaultValue = "1500ms") Duration timeout,
                                      @ConfigProperty(name = "labfleet.health.warn-after", defaultValue = "10s") Duration warnAfter) {
        this.vertx = vertx;
        this.registry = registry;
        this.names = names;
        this.kafkaServers = kafkaServers;
        this.redisHosts = redisHosts;
        this.interval = interval;
        this.timeout = timeout;
        this.warnAfter = warnAfter;
    }

    void start(@Observes Startup event) {
        client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeout.toMillis()));
        for (String name : names) {
            String dependency = name.trim();
            List<String> addresses = switch (dependency) {
                case "kafka" -> hostPorts(kafkaServers);
                case "redis" -> redisHosts.map(DegradingDependenciesCheck::redisHostPorts).orElse(List.of());
                case "" -> List.of();
                default -> throw new IllegalArgumentException("labfleet.health.degrading: unknown dependency '"
                        + dependency + "' (known: kafka, redis)");
            };
            if (addresses.isEmpty()) {
                continue;
            }
            State state = new State(dependency, addresses, warnAfter);
            states.put(dependency, state);
            Gauge.builder("labfleet_dependency_up", state, s -> s.up ? 1 : 0)
                    .description("1 while the dependency answers its protocol's ping, 0 while it does not")
                    .tag("dependency", dependency)
                    .register(registry);
        }
        if (!states.isEmpty()) {
            probeAll();
            timer = vertx.setPeriodic(interval.toMillis(), id -> probeAll());
        }
    }

    @PreDestroy
    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (client != null) {
            client.close();
        }
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME).up();
        for (State s : states.values()) {
            response.withData(s.name, s.up ? "UP (" + String.join(",", s.addresses) + ")" : "DOWN since " + s.since + ": " + s.reason);
        }
        return response.build();
    }

    private void probeAll() {
        for (State state : states.values()) {
            if (state.probing) {
                continue;
            }
            state.probing = true;
            probe(state, 0);
        }
    }

    /** Tries the dependency's addresses in turn; it is up when one of them answers. */
    private void probe(State state, int index) {
        if (index >= state.addresses.size()) {
            state.probing = false;
            return;
        }
        String address = state.addresses.get(index);
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        int port = Integer.parseInt(address.substring(colon + 1));
        client.connect(port, host).onComplete(connected -> {
            if (connected.failed()) {
                failed(state, index, address + ": " + connected.cause().getMessage());
                return;
            }
            NetSocket socket = connected.result();
            long deadline = vertx.setTimer(timeout.toMillis(), t -> {
                socket.close();
                failed(state, index, address + ": no answer within " + timeout.toMillis() + " ms");
            });
            AtomicInteger received = new AtomicInteger();
            socket.handler(data -> {
                if (received.getAndAdd(data.length()) == 0 && vertx.cancelTimer(deadline)) {
                    socket.close();
                    state.up(address);
                    state.probing = false;
                }
            });
            socket.exceptionHandler(e -> { /* the deadline decides */ });
            socket.write(state.name.equals("kafka") ? KAFKA_API_VERSIONS : REDIS_PING);
        });
    }

    private void failed(State state, int index, String reason) {
        if (index + 1 < state.addresses.size()) {
            probe(state, index + 1);
            return;
        }
        state.down(reason);
        state.probing = false;
    }

    /** Kafka ApiVersions v0 (every broker answers it, if only with UNSUPPORTED_VERSION): size, key 18, version 0, id, client. */
    private static final Buffer KAFKA_API_VERSIONS;
    private static final Buffer REDIS_PING = Buffer.buffer("PING\r\n", "US-ASCII");

    static {
        byte[] clientId = "labfleet-health".getBytes(StandardCharsets.US_ASCII);
        Buffer body = Buffer.buffer().appendShort((short) 18).appendShort((short) 0).appendInt(1)
                .appendShort((short) clientId.length).appendBytes(clientId);
        KAFKA_API_VERSIONS = Buffer.buffer().appendInt(body.length()).appendBuffer(body);
    }

    static List<String> hostPorts(String servers) {
        List<String> out = new ArrayList<>();
        for (String s : servers.split(",")) {
            String a = s.trim();
            int scheme = a.indexOf("://");
            if (scheme >= 0) {
                a = a.substring(scheme + 3);
            }
            if (!a.isEmpty()) {
                out.add(a.contains(":") ? a : a + ":9092");
            }
        }
        return out;
    }

    static List<String> redisHostPorts(String hosts) {
        List<String> out = new ArrayList<>();
        for (String h : hosts.split(",")) {
            if (h.isBlank()) {
                continue;
            }
            URI uri = URI.create(h.trim());
            out.add((uri.getHost() == null ? "127.0.0.1" : uri.getHost()) + ":" + (uri.getPort() < 0 ? 6379 : uri.getPort()));
        }
        return out;
    }

    /** Whether the log has warned that this dependency is unreachable (and not yet said that it answers again). */
    boolean warned(String dependency) {
        State state = states.get(dependency);
        return state != null && state.warned;
    }

    private static final class State {
        final String name;
        final List<String> addresses;
        final Duration warnAfter;
        volatile boolean up = true;
        volatile Instant since;
        volatile String reason = "";
        volatile boolean probing;
        volatile boolean warned;

        State(String name, List<String> addresses, Duration warnAfter) {
            this.name = name;
            this.addresses = List.copyOf(addresses);
            this.warnAfter = warnAfter;
        }

        void up(String address) {
            if (warned) {
                LOG.infof("%s answers again at %s (it was unreachable since %s); the replica stayed in service", name, address, since);
            } else if (!up) {
                LOG.debugf("%s answers again at %s (unreachable for a moment since %s)", name, address, since);
            }
            up = true;
            warned = false;
            since = null;
            reason = "";
        }

        void down(String why) {
            if (up) {
                since = Instant.now();
                LOG.debugf("%s did not answer a probe (%s)", name, why);
            }
            up = false;
            reason = why;
            if (!warned && !Instant.now().isBefore(since.plus(warnAfter))) {
                warned = true;
                LOG.warnf("%s is unreachable since %s (%s): events wait or features degrade; the replica stays in service",
                        name, since, why);
            }
        }
    }

}
