package dev.labfleet.simulator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar gns3-simulator-runner.jar [--port 3080] [--bind 127.0.0.1] [--preload lab.gns3project]
 * [--auto-close-seconds 5] [--computes 1] [--control-port N] [--no-consoles]}. Prints one line when ready and stops
 * cleanly on SIGTERM.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        SimulatorOptions options = SimulatorOptions.defaults().withPort(3080);
        Path preload = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--port" -> options = options.withPort(Integer.parseInt(required(args[i], value)));
                case "--bind" -> options = options.withHost(required(args[i], value));
                case "--preload" -> preload = Path.of(required(args[i], value));
                case "--auto-close-seconds" -> options = options.withAutoCloseDelay(
                        java.time.Duration.ofSeconds(Long.parseLong(required(args[i], value))));
                case "--computes" -> options = options.withComputes(Integer.parseInt(required(args[i], value)));
                case "--control-port" -> options = options.withControlPort(Integer.parseInt(required(args[i], value)));
                case "--no-consoles" -> {
                    options = options.withConsoles(false);
                    i--; // a flag without a value
                }
                case "--help", "-h" -> {
                    System.out.println("usage: gns3-simulator [--port 3080] [--bind 127.0.0.1] [--preload file.gns3project]"
                            + " [--auto-close-seconds 5] [--computes 1] [--control-port N] [--no-consoles]");
                    return;
                }
                default -> {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
            i++;
        }
        Gns3Simulator simulator = Gns3Simulator.start(options);
        if (preload != null) {
            String name = preload.getFileName().toString().replaceFirst("\\.gns3project$", "");
            System.out.println("preloaded project " + simulator.preload(Files.readAllBytes(preload), name));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }, "simulator-shutdown"));
        if (simulator.controlUrl() != null) {
            System.out.println("control surface (/_sim) on " + simulator.controlUrl());
        }
        System.out.println("GNS3 simulator listening on " + simulator.baseUrl());
        stopped.await();
    }

    private static String required(String option, String value) {
        if (value == null) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return value;
    }
}
