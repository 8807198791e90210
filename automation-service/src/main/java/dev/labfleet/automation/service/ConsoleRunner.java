package dev.labfleet.automation.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.labfleet.automation.client.LabClient;
import dev.labfleet.automation.config.AutomationConfig;
import dev.labfleet.automation.console.ConsoleException;
import dev.labfleet.automation.console.ConsoleLeases;
import dev.labfleet.automation.console.ConsoleSession;
import dev.labfleet.automation.script.AssertionSpec;
import dev.labfleet.automation.script.Assertions;
import dev.labfleet.automation.script.ConsoleStep;
import dev.labfleet.automation.script.Dialect;
import dev.labfleet.common.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Shutdown;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Runs one node's part of an execution: takes the node's console lease (waiting while another session holds it),
 * reads the node through the gateway (a stopped node is skipped), opens its telnet console, brings it to the
 * prompt, turns paging off, runs the steps and the assertions (re-running a checked command while its assertion
 * fails and retries are left), and always closes the session and releases the lease.
 */
@ApplicationScoped
public class ConsoleRunner {

    private static final Logger LOG = Logger.getLogger(ConsoleRunner.class);
    private static final Set<String> ANY_ADDRESS = Set.of("0.0.0.0", "::", "0:0:0:0:0:0:0:0", "");

    private final Vertx vertx;
    private final NetClient net;
    private final LabClient lab;
    private final ConsoleLeases leases;
    private final AutomationConfig config;
    private final MeterRegistry registry;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<UUID, String> serverHosts = new ConcurrentHashMap<>();
    /** This replica's name in lease rows. */
    private final String replica = "automation-" + UUID.randomUUID().toString().substring(0, 8);

    public ConsoleRunner(Vertx vertx, LabClient lab, ConsoleLeases leases, AutomationConfig config,
                         MeterRegistry registry) {
        this.vertx = vertx;
        this.lab = lab;
        this.leases = leases;
        this.config = config;
        this.registry = registry;
        this.net = vertx.createNetClient(new NetClientOptions()
                .setConnectTimeout((int) config.console().connectTimeout().toMillis()).setTcpNoDelay(true));
        registry.gauge("labfleet.automation.sessions.open", open);
    }

    @Shutdown
    void close() {
        net.close();
    }

    /**
     * This replica's name in lease and execution rows (a method: other beans hold a client proxy, whose fields are
     * not this instance's).
     */
    public String replica() {
        return replica;
    }

    /** One node's job: what to send where, with which limits. */
    public record Job(UUID executionId, UUID serverId, UUID projectId, String nodeId, String nodeName, String kind,
                      String promptRegex, List<ConsoleStep> steps, List<AssertionSpec> assertions,
                      Duration commandTimeout, Duration nodeTimeout, JsonNode listed, long listedAtNanos) {
    }

    /** How a node's part ended. */
    public record Outcome(String status, String error, List<Assertions.Result> assertions, OffsetDateTime startedAt) {
    }

    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super("cancelled", null, false, false);
        }
    }

    private static final class Busy extends RuntimeException {
        Busy() {
            super("busy", null, false, false);
        }
    }

    private static final class Skip extends RuntimeException {
        Skip(String why) {
            super(why, null, false, false);
        }
    }

    public Uni<Outcome> run(Job job, LiveExecution live, java.util.function.Function<OffsetDateTime, Uni<Void>> started) {
        String holder = replica + "/" + job.executionId();
        AtomicReference<ConsoleSession> session = new AtomicReference<>();
        AtomicReference<Long> renewal = new AtomicReference<>();
        List<Assertions.Result> results = new ArrayList<>();
        OffsetDateTime[] startedAt = {null};
        boolean[] leased = {false};
        boolean[] opened = {false};
        Dialect dialect = Dialect.of(job.kind()).orElseThrow();
        Pattern prompt = dialect == Dialect.CUSTOM ? Pattern.compile(job.promptRegex())
                : dialect.prompt().orElse(null);
        Uni<Outcome> work = takeLease(job.nodeId(), holder, live)
                .invoke(() -> {
                    leased[0] = true;
                    long every = Math.max(1000, leases.ttl().toMillis() / 3);
                    renewal.set(vertx.setPeriodic(every, t -> leases.renew(job.nodeId(), holder).subscribe().with(
                            ok -> { }, e -> LOG.debugf("lease renewal of %s failed: %s", job.nodeId(), e))));
                })
                .chain(() -> node(job))
                .chain(node -> {
                    if (!"started".equals(node.path("status").asText())) {
                        throw new Skip("node is " + node.path("status").asText("not started") + ": nothing was sent");
                    }
                    if (!"telnet".equals(node.path("console_type").asText()) || !node.path("console").canConvertToInt()) {
                        throw new Skip("node has no telnet console (console_type "
                                + node.path("console_type").asText("none") + ")");
                    }
                    return host(job.serverId(), node).chain(host -> {
                        startedAt[0] = OffsetDateTime.now(ZoneOffset.UTC);
                        return started.apply(startedAt[0]).chain(() -> ConsoleSession.open(vertx, net, host, node.path("console").asInt(), dialect,
                                text -> live.output(job.nodeId(), job.nodeName(), text)));
                    });
                })
                .chain(s -> {
                    opened[0] = true;
                    session.set(s);
                    open.incrementAndGet();
                    live.opened(s);
                    return drive(s, job, prompt, dialect, results);
                })
                .map(ignored -> {
                    Assertions.Result failed = results.stream().filter(r -> !r.passed()).findFirst().orElse(null);
                    return failed == null ? new Outcome("succeeded", null, results, startedAt[0])
                            : new Outcome("failed", "assertion '" + failed.name() + "' failed: " + failed.evidence(),
                            results, startedAt[0]);
                });
        return work
                .ifNoItem().after(job.nodeTimeout()).failWith(() -> new ConsoleException(ConsoleException.Reason.TIMEOUT,
                        "the node's session took longer than " + job.nodeTimeout().toMillis() + " ms"))
                .onTermination().call(() -> {
                    Long timer = renewal.get();
                    if (timer != null) {
                        vertx.cancelTimer(timer);
                    }
                    ConsoleSession s = session.getAndSet(null);
                    if (s != null) {
                        s.close();
                        live.closed(s);
                        open.decrementAndGet();
                    }
                    return leased[0] ? leases.release(job.nodeId(), holder).onFailure().recoverWithNull()
                            : Uni.createFrom().voidItem();
                })
                .onFailure().recoverWithUni(e -> failure(job, live, e, results, startedAt[0], opened[0]));
    }

    /**
     * The node as the execution listed it when that is recent enough ({@code listed-node-max-age}), else read again
     * through the gateway: on a lab whose consoles answer fast, that read was most of a node's cost.
     */
    private Uni<JsonNode> node(Job job) {
        if (job.listed() != null && System.nanoTime() - job.listedAtNanos()
                < config.console().listedNodeMaxAge().toNanos()) {
            return Uni.createFrom().item(job.listed());
        }
        return lab.node(job.serverId(), job.projectId(), job.nodeId());
    }

    private Uni<Outcome> failure(Job job, LiveExecution live, Throwable e, List<Assertions.Result> results,
                                 OffsetDateTime startedAt, boolean opened) {
        if (e instanceof Cancelled || live.cancelled()) {
            return Uni.createFrom().item(new Outcome("cancelled", "cancelled", results, startedAt));
        }
        if (e instanceof Skip) {
            return Uni.createFrom().item(new Outcome("skipped", e.getMessage(), results, startedAt));
        }
        if (e instanceof ConsoleException c && c.reason() == ConsoleException.Reason.TIMEOUT) {
            return Uni.createFrom().item(new Outcome("timed-out", e.getMessage(), results, startedAt));
        }
        if (e instanceof ConsoleException) {
            // the console went away: say why when GNS3 knows (a node stopped mid-run)
            // (a console that never opened on a node no longer started: nothing was sent, so it is skipped)
            return lab.node(job.serverId(), job.projectId(), job.nodeId())
                    .map(node -> {
                        String status = node.path("status").asText("unknown");
                        if ("started".equals(status)) {
                            return new Outcome("failed", e.getMessage(), results, startedAt);
                        }
                        return opened ? new Outcome("failed", "node is " + status + " (" + e.getMessage() + ")",
                                results, startedAt)
                                : new Outcome("skipped", "node is " + status + ": nothing was sent", results, null);
                    })
                    .onFailure().recoverWithItem(new Outcome("failed", e.getMessage(), results, startedAt));
        }
        String why = e instanceof ProblemException p ? p.problem().detail() : "unexpected failure ("
                + e.getClass().getSimpleName() + ")";
        if (!(e instanceof ProblemException)) {
            LOG.warnf(e, "node %s of execution %s failed unexpectedly", job.nodeName(), job.executionId());
        }
        return Uni.createFrom().item(new Outcome("failed", why, results, startedAt));
    }

    private Uni<Void> takeLease(String nodeId, String holder, LiveExecution live) {
        Duration retry = config.console().leaseRetry();
        return Uni.createFrom().deferred(() -> {
                    if (live.cancelled()) {
                        return Uni.createFrom().failure(new Cancelled());
                    }
                    return leases.tryTake(nodeId, holder);
                })
                .chain(ok -> ok ? Uni.createFrom().voidItem() : Uni.createFrom().failure(new Busy()))
                .onFailure(Busy.class).retry().withBackOff(retry, retry.multipliedBy(5)).indefinitely()
                .replaceWithVoid();
    }

    /** The console's host: GNS3's {@code console_host}, or the server's own host when that is a wildcard. */
    private Uni<String> host(UUID serverId, JsonNode node) {
        String host = node.path("console_host").asText("");
        if (!ANY_ADDRESS.contains(host)) {
            return Uni.createFrom().item(host);
        }
        String known = serverHosts.get(serverId);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return lab.server(serverId).map(server -> URI.create(server.path("url").asText()).getHost())
                .onFailure().recoverWithItem(() -> config.console().fallbackHost().orElse(null))
                .map(h -> {
                    if (h == null || h.isBlank()) {
                        throw ProblemException.upstream("GNS3 says the console listens on " + host
                                + " and the server's own address is unknown (labfleet.automation.console.fallback-host)");
                    }
                    serverHosts.put(serverId, h);
                    return h;
                });
    }

    private Uni<Void> drive(ConsoleSession s, Job job, Pattern prompt, Dialect dialect,
                            List<Assertions.Result> results) {
        Duration timeout = job.commandTimeout();
        Timer timer = Timer.builder("labfleet.automation.console").description("One console command, send to prompt")
                .tag("kind", job.kind()).register(registry);
        Uni<Void> ready = prompt == null ? Uni.createFrom().voidItem()
                : s.sync(prompt, timeout, config.console().settle())
                .chain(() -> Multi.createFrom().iterable(dialect.pagingOff())
                        .onItem().transformToUniAndConcatenate(c -> s.command(c, prompt, timeout))
                        .collect().last().replaceWithVoid());
        List<String> outputs = new ArrayList<>();
        return ready
                .chain(() -> Multi.createFrom().iterable(job.steps())
                        .onItem().transformToUniAndConcatenate(step -> step(s, step, prompt, timeout, timer)
                                .invoke(outputs::add))
                        .collect().last())
                .chain(() -> Multi.createFrom().iterable(job.assertions())
                        .onItem().transformToUniAndConcatenate(a -> check(s, job, a, outputs, prompt, timeout, timer)
                                .invoke(results::add))
                        .collect().last())
                .replaceWithVoid();
    }

    private Uni<String> step(ConsoleSession s, ConsoleStep step, Pattern prompt, Duration timeout, Timer timer) {
        Duration wait = step.timeoutMs() == null ? timeout : Duration.ofMillis(step.timeoutMs());
        long start = System.nanoTime();
        Uni<String> run = switch (step.type()) {
            case ConsoleStep.SEND -> {
                s.sendLine(step.text());
                yield Uni.createFrom().item("");
            }
            case ConsoleStep.EXPECT -> s.expect(Pattern.compile(step.pattern(), Pattern.MULTILINE), wait,
                    "match of /" + step.pattern() + "/");
            default -> s.command(step.text(), prompt, wait);
        };
        return run.invoke(() -> timer.record(Duration.ofNanos(System.nanoTime() - start)));
    }

    private Uni<Assertions.Result> check(ConsoleSession s, Job job, AssertionSpec a, List<String> outputs,
                                         Pattern prompt, Duration timeout, Timer timer) {
        int index = a.command() == null ? outputs.size() - 1 : a.command() - 1;
        if (index < 0 || index >= outputs.size()) {
            return Uni.createFrom().item(new Assertions.Result(a.label(), a.type(), false, "the body has "
                    + outputs.size() + " steps, there is no step " + (index + 1) + " to check", 1));
        }
        ConsoleStep step = job.steps().get(index);
        int retries = a.retries() == null ? 0 : a.retries();
        Duration interval = Duration.ofMillis(a.intervalMs() == null ? 1000 : a.intervalMs());
        AtomicInteger attempt = new AtomicInteger(1);
        Assertions.Result first = Assertions.check(a, outputs.get(index), 1);
        if (first.passed() || retries == 0 || !ConsoleStep.COMMAND.equals(step.type())) {
            return Uni.createFrom().item(first);
        }
        // retry: wait, run the command again, check its new output
        return Uni.createFrom().voidItem().onItem().delayIt().by(interval)
                .chain(() -> step(s, step, prompt, timeout, timer))
                .map(out -> Assertions.check(a, out, attempt.incrementAndGet()))
                .map(r -> {
                    if (!r.passed() && r.attempts() <= retries) {
                        throw new RetryCheck(r);
                    }
                    return r;
                })
                .onFailure(RetryCheck.class).retry().atMost(Math.max(1, retries - 1L))
                .onFailure(RetryCheck.class).recoverWithItem(e -> ((RetryCheck) e).result);
    }

    private static final class RetryCheck extends RuntimeException {
        final Assertions.Result result;

        RetryCheck(Assertions.Result result) {
            super("retry", null, false, false);
            this.result = result;
        }
    }
}
