package dev.labfleet.simulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * Builds big labs on a running simulator over HTTP and prints figures (not a test):
 * {@code java -cp gns3-simulator-runner.jar dev.labfleet.simulator.bench.SimulatorBenchmark http://127.0.0.1:3080}.
 * Lab: switches with 32 ports plus VPCS, every VPCS on a switch, switches chained and meshed until the link count
 * is reached. Run the simulator with the heap you want to check (-Xmx1g).
 */
public final class SimulatorBenchmark {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int CONCURRENCY = 8;

    private SimulatorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String base = args.length > 0 ? args[0] : "http://127.0.0.1:3080";
        System.out.println("| lab | create time | requests/s | GET /nodes p50 (ms) | heap after GC |");
        System.out.println("|---|---|---|---|---|");
        lab(base, "bench-1k", 1000, 1500);
        lab(base, "bench-10k", 10000, 15000);
    }

    private static void lab(String base, String name, int nodes, int links) throws Exception {
        String project = post(base + "/v2/projects", "{\"name\":\"" + name + "\"}").get("project_id").asText();
        String nodesUrl = base + "/v2/projects/" + project + "/nodes";
        int switches = Math.max(1, nodes / 10);
        int vpcs = nodes - switches;
        StringBuilder mapping = new StringBuilder("[");
        for (int p = 0; p < 32; p++) {
            mapping.append(p == 0 ? "" : ",").append("{\"name\":\"Ethernet").append(p).append("\",\"port_number\":")
                    .append(p).append(",\"type\":\"access\",\"vlan\":1}");
        }
        mapping.append(']');
        long start = System.nanoTime();
        List<String> switchIds = parallel(switches, i -> nodesUrl, i -> "{\"name\":\"SW" + (i + 1)
                + "\",\"node_type\":\"ethernet_switch\",\"compute_id\":\"local\",\"properties\":{\"ports_mapping\":"
                + mapping + "}}", "node_id");
        List<String> vpcsIds = parallel(vpcs, i -> nodesUrl, i -> "{\"name\":\"PC" + (i + 1)
                + "\",\"node_type\":\"vpcs\",\"compute_id\":\"local\",\"x\":" + i + "}", "node_id");
        int[] nextPort = new int[switches];
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < vpcs && bodies.size() < links; i++) {
            int sw = i % switches;
            bodies.add(link(vpcsIds.get(i), 0, switchIds.get(sw), nextPort[sw]++));
        }
        for (int hop = 1; bodies.size() < links && hop < switches; hop++) {
            for (int a = 0; a < switches && bodies.size() < links; a++) {
                int b = (a + hop) % switches;
                if (a < b && nextPort[a] < 32 && nextPort[b] < 32) {
                    bodies.add(link(switchIds.get(a), nextPort[a]++, switchIds.get(b), nextPort[b]++));
                }
            }
        }
        String linksUrl = base + "/v2/projects/" + project + "/links";
        parallel(bodies.size(), i -> linksUrl, bodies::get, "link_id");
        double seconds = (System.nanoTime() - start) / 1e9;
        int requests = switches + vpcs + bodies.size();
        for (int i = 0; i < 30; i++) { // warm-up: JIT-compile the listing path first
            HTTP.send(HttpRequest.newBuilder(URI.create(nodesUrl)).build(), HttpResponse.BodyHandlers.discarding());
        }
        long[] samples = new long[20];
        for (int i = 0; i < samples.length; i++) {
            long t = System.nanoTime();
            HTTP.send(HttpRequest.newBuilder(URI.create(nodesUrl)).build(), HttpResponse.BodyHandlers.discarding());
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        JsonNode memory = M.readTree(HTTP.send(HttpRequest.newBuilder(URI.create(base + "/_sim/memory")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        System.out.printf("| %d nodes, %d links | %.1f s | %.0f | %.1f | %.0f MiB of %.0f MiB |%n", nodes + 0,
                bodies.size(), seconds, requests / seconds, samples[samples.length / 2] / 1e6,
                memory.get("heapUsedBytes").asDouble() / (1 << 20), memory.get("heapMaxBytes").asDouble() / (1 << 20));
    }

    private static String link(String a, int portA, String b, int portB) {
        return "{\"nodes\":[{\"node_id\":\"" + a + "\",\"adapter_number\":0,\"port_number\":" + portA
                + "},{\"node_id\":\"" + b + "\",\"adapter_number\":0,\"port_number\":" + portB + "}]}";
    }

    private static List<String> parallel(int count, java.util.function.IntFunction<String> url,
                                         java.util.function.IntFunction<String> body, String idField) throws Exception {
        String[] ids = new String[count];
        Semaphore permits = new Semaphore(CONCURRENCY);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            permits.acquire();
            all.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(url.apply(i)))
                            .header("content-type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build(),
                    HttpResponse.BodyHandlers.ofString()).thenAccept(r -> {
                        permits.release();
                        if (r.statusCode() != 201) {
                            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
                        }
                        try {
                            ids[index] = M.readTree(r.body()).get(idField).asText();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return Arrays.asList(ids);
    }

    private static JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
        }
        return M.readTree(r.body());
    }
}
