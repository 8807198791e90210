package dev.labfleet.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * For tests that take Kafka away: a dedicated single-node KRaft broker process, from the jars scripts/infra.sh cached, that a test may stop and
 * start again on the same ports and data directory.
 */
public final class KafkaBroker implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private Process process;

    public KafkaBroker(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.controllerPort = freePort();
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("server.properties"), String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "offsets.topic.replication.factor=1",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0", ""));
        run(List.of("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                "-c", dir.resolve("server.properties").toString()));
    }

    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public KafkaBroker start() throws IOException {
        process = new ProcessBuilder(java(), "-Xms128m", "-Xmx256m", "-XX:+UseSerialGC", "-cp", classpath(),
                "kafka.Kafka", dir.resolve("server.properties").toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.out").toFile()))
                .start();
        try {
            // LABFLEET_KAFKA_START_SECONDS: more on a machine busy with builds (a broker took over 60 s at load 60)
            await("Kafka broker on " + port).atMost(Duration.ofSeconds(startSeconds())).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("Kafka exited; see " + dir.resolve("server.out"));
                        }
                        return listening(port);
                    });
        } catch (RuntimeException e) {
            // a broker that did not come up in time must not outlive the test that started it
            process.destroyForcibly();
            throw e;
        }
        return this;
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
        await("Kafka port released").atMost(Duration.ofSeconds(30)).until(() -> !listening(port));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void run(List<String> args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(java(), "-Xmx128m", "-cp", classpath()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("format.out").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("Kafka storage format failed; see " + dir.resolve("format.out"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String classpath() {
        String configured = System.getenv("LABFLEET_CACHE_DIR");
        String cache = configured == null || configured.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache/labfleet").toString() : configured;
        Path lib = Path.of(cache, "kafka-" + System.getProperty("kafka.broker.version", "4.1.2"), "lib");
        if (!Files.isRegularFile(lib.resolve(".complete"))) {
            throw new IllegalStateException(lib + " is missing: run scripts/infra.sh up (./labfleet test does) first");
        }
        return lib + "/*";
    }

    private static long startSeconds() {
        String configured = System.getenv("LABFLEET_KAFKA_START_SECONDS");
        return configured == null || configured.isBlank() ? 180 : Long.parseLong(configured.trim());
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static boolean listening(int port) {
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
