package dev.labfleet.e2e;

import dev.labfleet.common.event.CloudEvent;
import dev.labfleet.common.testing.TopicReader;
import dev.labfleet.simulator.Gns3Simulator;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas of every service behind the edge (the nginx that ./labfleet up --replicas 2 runs, generated from
 * deploy/edge/routes.txt), services calling each other through it as they would through Kubernetes Services. A
 * workload of labs (created, applied as code, started staggered, a script run on their consoles), reads and searches
 * runs through the edge while
 * replica 1 of every service, then replica 2, is taken out of the edge's rotation (as Kubernetes removes a
 * terminating pod from its Service), killed with SIGKILL (no shutdown code runs: leases, advisory locks and
 * consumer group memberships are left to expire), restarted, and put back. No client request fails, every lab's
 * lab.project.created event is on Kafka exactly once, and no GNS3 project or node is created twice.
 *
 * <p>The replicas have databases of their own ({@code labfleet_<service>_replica}, made by scripts/infra.sh), Kafka
 * groups and Redis keys of their own: the e2e suite (Suite) may run beside them in the same JVM on the test databases,
 * and a suite started by ./labfleet up may share this PostgreSQL, Kafka and Redis.
 */
@ExtendWith(Suite.Release.class) // the suite's six processes stopped: this class runs twelve of its own
@Order(Integer.MAX_VALUE) // last of the run (junit-platform.properties), so no later class starts the suite again
class ReplicaIT {

    // edge; replica r of service i listens on BASE + 100 * (r - 1) + i + 1 (LABFLEET_E2E_PORT_OFFSET moves them all)
    private static final int BASE = 19380 + E2e.PORT_OFFSET;
    /** this run's word: in every lab's name, and what the workload searches for */
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String PREFIX = "replica-" + RUN + "-";
    /** a lab's topology as code: a switch and two PCs on it */
    private static final Map<String, Object> SPEC = Map.of(
            "nodes", List.of(Map.of("name", "SW1", "node_type", "ethernet_switch"),
                    Map.of("name", "PC1", "node_type", "vpcs"), Map.of("name", "PC2", "node_type", "vpcs")),
            "links", List.of(Map.of("a", "PC1:e0", "b", "SW1:0"), Map.of("a", "PC2:e0", "b", "SW1:1")));
    /** six JVMs starting at once beside six serving a workload, on two cores: 80 to 100 s (C1 only, suite stopped) */
    private static final Duration READY_WITHIN = Duration.ofMinutes(6);
    private static final int NODES_PER_LAB = 3;
    private static final int LINKS_PER_LAB = 2;

    private static Gns3Simulator simulator;
    private static Edge edge;
    /** service short name -> its two replicas */
    private static final Map<String, List<ServiceProcess>> replicas = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        simulator = Gns3Simulator.start();
        Path state = Files.createTempDirectory(E2e.root().resolve("e2e-tests/target"), "replicas-");
        edge = new Edge(BASE, state.resolve("edge"));
        String edgeUrl = "http://127.0.0.1:" + BASE;
        for (int i = 0; i < E2e.SERVICES.size(); i++) {
            E2e.Service s = E2e.SERVICES.get(i);
            List<ServiceProcess> two = new ArrayList<>();
            for (int r = 1; r <= 2; r++) {
                Map<String, String> env = new LinkedHashMap<>();
                for (E2e.Service other : E2e.SERVICES) {
                    env.put("LABFLEET_" + other.shortName().toUpperCase() + "_URL", edgeUrl);
                }
                env.put("LABFLEET_GNS3_URL", simulator.baseUrl());
                // databases of their own: never those of ./labfleet up, nor the test ones the suite's processes use
                env.put("DB_URL", "postgresql://127.0.0.1:" + E2e.env("PG_PORT", "5432") + "/labfleet_" + s.shortName()
                        + "_replica" + E2e.DB_SUFFIX);
                env.put("LABFLEET_STATE_DIR", state.toString());
                // both replicas share their consumer groups and Redis keys, which are not those of any other run
                env.put("LABFLEET_KAFKA_GROUP", s.module() + "-replica-it" + E2e.DB_SUFFIX);
                env.put("LABFLEET_TOPOLOGY_CACHE_KEY_PREFIX", "labfleet:topology:" + PREFIX);
                env.put("LABFLEET_GATEWAY_PLACEMENT_ROUND_ROBIN_KEY", "labfleet:gateway:" + PREFIX + "placement");
                two.add(new ServiceProcess(s.module(), s.shortName(), BASE + 100 * (r - 1) + i + 1, env));
            }
            replicas.put(s.shortName(), two);
        }
        // Replica 1 of each service starts first on an emptied database (Flyway cleans it, then migrates it as in
        // production); replica 2 then starts on the migrated schema, as a second pod of a rolling deploy does.
        for (List<ServiceProcess> two : replicas.values()) {
            two.get(0).env("QUARKUS_FLYWAY_CLEAN_AT_START", "true").start();
        }
        awaitReady(0);
        for (List<ServiceProcess> two : replicas.values()) {
            two.get(0).env("QUARKUS_FLYWAY_CLEAN_AT_START", null);
            two.get(1).start();
        }
        edge.write(replicas, Set.of()).start();
        awaitReady(1);
    }

    @AfterAll
    static void stop() throws Exception {
        for (List<ServiceProcess> two : replicas.values()) {
            for (ServiceProcess p : two) {
                p.close();
            }
        }
        if (edge != null) {
            edge.close();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @Test
    void aWorkloadThroughTheEdgeSurvivesLosingEachReplicaInTurn() throws Exception {
        String serverId = await("the simulator registered by the gateway").atMost(Duration.ofSeconds(60))
                .until(() -> call("GET", "/api/v1/servers", null).then().extract().jsonPath()
                        .getString("items.find { it.url == '" + simulator.baseUrl() + "' }.id"), id -> id != null);

        AtomicBoolean running = new AtomicBoolean(true);
        List<String> failures = new CopyOnWriteArrayList<>();
        Set<String> labs = ConcurrentHashMap.newKeySet();
        AtomicInteger requests = new AtomicInteger();
        // a script every lab runs on its PCs through their consoles (automation-service, through the edge)
        String script = call("POST", "/api/v1/scripts", Map.of("name", PREFIX + "address", "kind", "vpcs",
                "body", "ip 10.0.0.{node.index}/24\nshow ip\n", "nodeFilter", Map.of("nodeTypes", List.of("vpcs")),
                "assertions", List.of(Map.of("type", "match", "pattern", "10\\.0\\.0\\.", "command", 2))))
                .then().statusCode(201).extract().path("id");
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            int writer = w;
            workers.add(pool.submit(() -> {
                int n = 0;
                while (running.get()) {
                    lab(PREFIX + writer + "-" + n++, script, labs, failures, requests);
                }
            }));
        }
        workers.add(pool.submit(() -> {
            while (running.get()) {
                List<String> known = new ArrayList<>(labs);
                String lab = known.isEmpty() ? null : known.get(requests.get() % known.size());
                expect("GET", "/api/v1/projects?limit=5", null, 200, failures, requests);
                expect("GET", "/api/v1/servers", null, 200, failures, requests);
                expect("GET", "/api/v1/scripts", null, 200, failures, requests);
                expect("GET", "/api/v1/search?q=" + RUN + "&limit=5", null, 200, failures, requests);
                if (lab != null) {
                    expect("GET", "/api/v1/projects/" + lab, null, 200, failures, requests);
                    expect("GET", "/api/v1/servers/" + serverId + "/projects/" + lab + "/nodes", null, 200, failures, requests);
                }
            }
        }));

        // a live dashboard's client on the fleet stream, through the edge: it must come back after each replica
        // change (the edge's reload ends its connection) and resume where it was
        StreamClient stream = new StreamClient("ws://127.0.0.1:" + BASE + "/api/v1/monitoring/stream/fleet");
        stream.connect();
        await("the fleet stream's first snapshot").atMost(Duration.ofSeconds(60)).until(() -> stream.snapshots.get() > 0);

        // a lab is four services' work (create, apply, staggered start, a script on two consoles): on a loaded
        // 2-core machine one takes a minute or more
        await("labs before the first replica goes").atMost(Duration.ofMinutes(5)).until(() -> labs.size() >= 2);
        for (int r = 0; r < 2; r++) {
            replace(r);
            int before = labs.size();
            await("labs made after replica " + (r + 1) + " came back").atMost(Duration.ofMinutes(5))
                    .until(() -> labs.size() >= before + 2);
        }
        running.set(false);
        for (Future<?> f : workers) {
            f.get(5, TimeUnit.MINUTES);
        }
        pool.shutdown();

        assertThat(failures).as("requests that failed through the edge (of %d)", requests.get()).isEmpty();

        // the stream client was cut at each of the two replica changes, reconnected and resumed: it is open again
        // and hears the fleet change (a lab created now shows up on it)
        await("the fleet stream reconnected after both replica changes").atMost(Duration.ofSeconds(60))
                .until(() -> stream.opened.get() >= 3 && stream.open);
        int framesBefore = stream.frames.get();
        expect("POST", "/api/v1/projects", Map.of("name", PREFIX + "last"), 201, failures, requests);
        await("a change heard on the resumed stream").atMost(Duration.ofSeconds(60))
                .until(() -> stream.frames.get() > framesBefore);
        stream.close();
        assertThat(stream.problems).as("stream sequence problems").isEmpty();
        assertThat(failures).as("the last request").isEmpty();

        // GNS3: each lab exactly once, with exactly its nodes and links
        List<Map<String, Object>> gns3 = given().baseUri(simulator.baseUrl()).get("/v2/projects").then().statusCode(200)
                .extract().jsonPath().getList("");
        List<String> ours = gns3.stream().map(p -> (String) p.get("name")).filter(n -> n.startsWith(PREFIX))
                .filter(n -> !n.equals(PREFIX + "last")).toList();
        assertThat(ours).as("GNS3 projects of this run").doesNotHaveDuplicates().hasSize(labs.size());
        for (String lab : labs) {
            int nodes = given().baseUri(simulator.baseUrl()).get("/v2/projects/" + lab + "/nodes").then().statusCode(200)
                    .extract().jsonPath().getList("").size();
            assertThat(nodes).as("nodes of lab %s on GNS3", lab).isEqualTo(NODES_PER_LAB);
            int links = given().baseUri(simulator.baseUrl()).get("/v2/projects/" + lab + "/links").then().statusCode(200)
                    .extract().jsonPath().getList("").size();
            assertThat(links).as("links of lab %s on GNS3", lab).isEqualTo(LINKS_PER_LAB);
        }
        // Kafka: every lab's creation published once, by whichever replica's relay held the lock
        Map<String, Long> created = new LinkedHashMap<>();
        for (String lab : labs) {
            List<CloudEvent> events = TopicReader.events(E2e.env("KAFKA_BOOTSTRAP", "127.0.0.1:9092"), "lab.projects", lab,
                    Duration.ofSeconds(60), e -> e.stream().anyMatch(x -> x.type().equals("lab.project.started")));
            created.put(lab, events.stream().filter(e -> e.type().equals("lab.project.created")).count());
        }
        assertThat(created.values()).as("lab.project.created per lab").containsOnly(1L);
        System.out.printf("ReplicaIT: %d requests through the edge, %d failed; %d labs, %d GNS3 projects, "
                        + "lab.project.created per lab %s (duplicates: %d, missing: %d); fleet stream: %d connections, "
                        + "%d snapshots, %d resumed without one, %d frames%n",
                requests.get(), failures.size(), labs.size(), ours.size(), Set.copyOf(created.values()),
                created.values().stream().filter(c -> c > 1).count(), created.values().stream().filter(c -> c == 0).count(),
                stream.opened.get(), stream.snapshots.get(), stream.resumed.get(), stream.frames.get());
    }

    /** Replica index r (0 or 1) of every service: out of the edge, SIGKILL, restarted, ready, back in the edge. */
    private static void replace(int r) throws Exception {
        Set<Integer> out = replicas.values().stream().map(two -> two.get(r).port()).collect(Collectors.toSet());
        // the drain a terminating pod gets before it is killed: on the reload nginx's workers of the old configuration
        // end the requests in flight (some to the replicas leaving the rotation), then exit; only then are they killed
        Set<Long> oldWorkers = edge.workers();
        edge.write(replicas, out).reload();
        edge.awaitGone(oldWorkers);
        for (List<ServiceProcess> two : replicas.values()) {
            two.get(r).kill();
        }
        for (List<ServiceProcess> two : replicas.values()) {
            two.get(r).start();
        }
        awaitReady(r);
        edge.write(replicas, Set.of()).reload();
    }

    /**
     * Replica r of every service ready, within one deadline for all six: they start at once and share two cores, so
     * they come up together, the first awaited no sooner than the others (a deadline of its own would be the one
     * that runs out).
     */
    private static void awaitReady(int r) {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        for (List<ServiceProcess> two : replicas.values()) {
            two.get(r).awaitReady(Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(1).toNanos())));
        }
    }

    /**
     * One lab: created (placed on the simulator), its topology applied (topology-service), started staggered
     * (project-service), then a script run on its PCs' consoles (automation-service), each awaited to success.
     */
    private static void lab(String name, String script, Set<String> labs, List<String> failures, AtomicInteger requests) {
        Response created = expect("POST", "/api/v1/projects", Map.of("name", name), 201, failures, requests);
        if (created == null) {
            return;
        }
        String id = created.path("projectId");
        Response applied = expect("PUT", "/api/v1/projects/" + id + "/topology?wait=2m", SPEC, 200, failures, requests);
        if (applied == null) {
            return;
        }
        if (!"APPLIED".equals(applied.path("status"))) {
            failures.add("apply of " + name + " ended " + applied.path("status") + ": " + applied.asString());
            return;
        }
        Response start = expect("POST", "/api/v1/projects/" + id + "/start", Map.of("batchSize", 2, "delayMs", 50), 202,
                failures, requests);
        if (start == null || !finished("start of " + name, start.header("Location"), failures, requests)) {
            return;
        }
        Response run = expect("POST", "/api/v1/scripts/" + script + "/executions", Map.of("projectId", id), 202,
                failures, requests);
        if (run == null || !finished("script run on " + name, run.header("Location"), failures, requests)) {
            return;
        }
        labs.add(id);
    }

    /** Polls an operation or execution (its Location) until it ends; whether it succeeded (a failure is recorded). */
    private static boolean finished(String what, String location, List<String> failures, AtomicInteger requests) {
        String path = location.replaceFirst("^https?://[^/]+", "");
        String status = await(what).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Response op = expect("GET", path, null, 200, failures, requests);
                    return op == null ? "failed-request" : op.path("status");
                }, s -> !"running".equals(s) && !"pending".equals(s));
        if (!"succeeded".equals(status)) {
            failures.add(what + " ended " + status + ": " + call("GET", path, null).asString());
            return false;
        }
        return true;
    }

    private static Response expect(String method, String path, Object body, int status, List<String> failures,
                                   AtomicInteger requests) {
        requests.incrementAndGet();
        try {
            Response r = call(method, path, body);
            if (r.statusCode() != status) {
                failures.add(method + " " + path + " -> " + r.statusCode() + " " + r.asString());
                return null;
            }
            return r;
        } catch (Exception e) {
            failures.add(method + " " + path + " -> " + e);
            return null;
        }
    }

    private static Response call(String method, String path, Object body) {
        var spec = given().baseUri("http://127.0.0.1:" + BASE).contentType(ContentType.JSON);
        if (body != null) {
            spec = spec.body(body);
        }
        return spec.request(method, path);
    }

    /**
     * A client of a monitoring stream as the dashboard page is one: an admin's token (it sees every lab, the one
     * created at the end too), a snapshot then deltas, and on a
     * lost connection a reconnect with {@code ?since=<last seq>&epoch=<epoch>} (monitoring-service's README), which
     * either replays the missed deltas or starts again with a snapshot. Within one epoch the sequence never goes back.
     */
    private static final class StreamClient implements WebSocket.Listener {
        private final String url;
        private final HttpClient http = HttpClient.newHttpClient();
        private final StringBuilder partial = new StringBuilder();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger snapshots = new AtomicInteger();
        final AtomicInteger resumed = new AtomicInteger();
        final AtomicInteger frames = new AtomicInteger();
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile boolean open;
        private volatile boolean closing;
        private volatile boolean sawSnapshot;
        private volatile String epoch;
        private volatile long seq = -1;
        private volatile WebSocket socket;

        StreamClient(String url) {
            this.url = url;
        }

        void connect() {
            if (closing) {
                return;
            }
            String resume = epoch == null ? "" : "?since=" + seq + "&epoch=" + epoch;
            sawSnapshot = false;
            http.newWebSocketBuilder().header("Authorization", "Bearer " + E2e.token("e2e-dashboard", "admin"))
                    .buildAsync(URI.create(url + resume), this)
                    .whenComplete((ws, e) -> {
                        if (e != null) {
                            reconnectSoon(); // the edge has no replica for it yet, or refuses it: try again
                        }
                    });
        }

        private void reconnectSoon() {
            open = false;
            CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS).execute(this::connect);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            open = true;
            opened.incrementAndGet();
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frame(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void frame(String text) {
            try {
                com.fasterxml.jackson.databind.JsonNode f = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
                frames.incrementAndGet();
                String type = f.path("type").asText();
                if (type.equals("snapshot")) {
                    snapshots.incrementAndGet();
                    sawSnapshot = true;
                    epoch = f.path("epoch").asText();
                    seq = f.path("seq").asLong();
                } else if (type.equals("deltas")) {
                    if (!sawSnapshot && epoch != null && opened.get() > 1) {
                        resumed.incrementAndGet(); // missed deltas replayed without a new snapshot
                        sawSnapshot = true;
                    }
                    for (com.fasterxml.jackson.databind.JsonNode item : f.path("items")) {
                        long next = item.path("seq").asLong();
                        if (next <= seq) {
                            problems.add("seq " + next + " after " + seq + " in epoch " + epoch);
                        }
                        seq = Math.max(seq, next);
                    }
                }
            } catch (Exception e) {
                problems.add("unreadable frame: " + e.getMessage());
            }
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            reconnectSoon();
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            reconnectSoon();
        }

        void close() {
            closing = true;
            WebSocket ws = socket;
            if (ws != null) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> null).join();
            }
        }
    }

    /** The edge: nginx with the config scripts/edge.py writes, as ./labfleet up --replicas 2 runs it. */
    private static final class Edge implements AutoCloseable {
        private final int port;
        private final Path dir;
        private Process nginx;

        Edge(int port, Path dir) throws IOException {
            this.port = port;
            this.dir = dir;
            for (String d : List.of("logs", "run", "tmp")) {
                Files.createDirectories(dir.resolve(d));
            }
        }

        /** Writes nginx.conf with every replica except those listening on the given ports. */
        Edge write(Map<String, List<ServiceProcess>> all, Set<Integer> out) throws Exception {
            List<String> command = new ArrayList<>(List.of("python3", E2e.root().resolve("scripts/edge.py").toString(),
                    "nginx", "--listen", "127.0.0.1:" + port));
            for (List<ServiceProcess> two : all.values()) {
                List<String> servers = two.stream().filter(p -> !out.contains(p.port()))
                        .map(p -> "127.0.0.1:" + p.port()).toList();
                command.addAll(List.of("--upstream", two.get(0).module() + "=" + String.join(",", servers)));
            }
            Process p = new ProcessBuilder(command).redirectOutput(dir.resolve("nginx.conf").toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertThat(p.waitFor()).as("scripts/edge.py").isZero();
            return this;
        }

        Edge start() throws Exception {
            nginx = new ProcessBuilder(nginx(), "-p", dir + "/", "-c", "nginx.conf", "-e", "logs/error.log",
                    "-g", "daemon off;").redirectErrorStream(true).redirectOutput(dir.resolve("logs/nginx.out").toFile()).start();
            await("the edge").atMost(Duration.ofSeconds(90)).ignoreExceptions()
                    .until(() -> given().baseUri("http://127.0.0.1:" + port).get("/q/swagger-ui/").statusCode() == 200);
            return this;
        }

        /** The nginx worker processes now running. */
        Set<Long> workers() {
            return nginx.descendants().map(ProcessHandle::pid).collect(Collectors.toSet());
        }

        /** Until the given workers have exited (after a reload, each ends when its requests in flight have ended). */
        void awaitGone(Set<Long> workers) {
            await("nginx's old workers to finish their requests").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> workers.stream()
                            .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        }

        void reload() throws Exception {
            Process p = new ProcessBuilder(nginx(), "-p", dir + "/", "-c", "nginx.conf", "-e", "logs/error.log",
                    "-s", "reload").inheritIO().start();
            assertThat(p.waitFor()).as("nginx -s reload").isZero();
        }

        private static String nginx() {
            for (String p : List.of("/usr/sbin/nginx", "/usr/bin/nginx")) {
                if (Files.isExecutable(Path.of(p))) {
                    return p;
                }
            }
            throw new IllegalStateException("nginx is not installed (scripts/deploy-test.sh installs it with apt)");
        }

        @Override
        public void close() throws InterruptedException {
            if (nginx != null) {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
