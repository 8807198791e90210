package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 2-VPCS + switch lab of 10-console-e2e-lab.json through real telnet connections: IPs set on the consoles, ping
 * works, stops with frequency_drop -1 or a suspended link, slows with delay, and a capture holds the ICMP packets.
 */
class VpcsConsoleTest {

    private static final ObjectMapper M = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Gns3Simulator simulator;

    @BeforeAll
    static void start() {
        simulator = Gns3Simulator.start();
    }

    @AfterAll
    static void stop() {
        simulator.close();
    }

    private static JsonNode call(String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + " " + r.body()).isLessThan(300);
        return r.body().isBlank() ? null : M.readTree(r.body());
    }

    /** Opens the console, sends one line, and reads until the prompt comes back. */
    private static String console(int port, String line) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            readUntilQuiet(in, socket);
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            StringBuilder text = new StringBuilder();
            while (!text.toString().endsWith("> ")) {
                int c = in.read();
                if (c < 0) {
                    break;
                }
                if (c != '\r') {
                    text.append((char) c);
                }
            }
            return text.toString();
        }
    }

    private static void readUntilQuiet(InputStream in, Socket socket) throws Exception {
        socket.setSoTimeout(300);
        try {
            while (in.read() >= 0) {
                // banner and telnet negotiation
            }
        } catch (java.net.SocketTimeoutException quiet) {
            socket.setSoTimeout(10_000);
        }
    }

    @Test
    void pingFollowsTheLabAndItsFiltersAndIsCaptured() throws Exception {
        String project = call("POST", "/v2/projects", "{\"name\":\"console-lab\"}").get("project_id").asText();
        String vpcsTemplate = "19021f99-e36f-394d-b4a1-8aaa902ab9cc";
        JsonNode pc1 = call("POST", "/v2/projects/" + project + "/templates/" + vpcsTemplate, "{\"x\":0,\"y\":0,\"compute_id\":\"local\"}");
        JsonNode pc2 = call("POST", "/v2/projects/" + project + "/templates/" + vpcsTemplate, "{\"x\":9,\"y\":0,\"compute_id\":\"local\"}");
        JsonNode sw = call("POST", "/v2/projects/" + project + "/nodes",
                "{\"name\":\"SW1\",\"node_type\":\"ethernet_switch\",\"compute_id\":\"local\"}");
        String link1 = call("POST", "/v2/projects/" + project + "/links", link(pc1, 0, sw, 0)).get("link_id").asText();
        call("POST", "/v2/projects/" + project + "/links", link(pc2, 0, sw, 1));
        call("POST", "/v2/projects/" + project + "/nodes/start", "{}");
        int console1 = call("GET", "/v2/projects/" + project + "/nodes/" + pc1.get("node_id").asText(), null).get("console").asInt();
        int console2 = call("GET", "/v2/projects/" + project + "/nodes/" + pc2.get("node_id").asText(), null).get("console").asInt();

        assertThat(console(console1, "ip 10.0.0.1/24")).contains("PC1 : 10.0.0.1 255.255.255.0").endsWith("PC1> ");
        assertThat(console(console2, "ip 10.0.0.2/24")).contains("PC2 : 10.0.0.2 255.255.255.0");
        assertThat(console(console2, "show ip")).contains("IP/MASK     : 10.0.0.2/24");
        assertThat(console(console1, "ping 10.0.0.2 -c 2")).contains("84 bytes from 10.0.0.2 icmp_seq=2 ttl=64");

        call("PUT", "/v2/projects/" + project + "/links/" + link1, "{\"filters\":{\"frequency_drop\":[-1]}}");
        assertThat(console(console1, "ping 10.0.0.2 -c 1")).contains("10.0.0.2 icmp_seq=1 timeout");

        call("PUT", "/v2/projects/" + project + "/links/" + link1, "{\"filters\":{\"delay\":[200,0]}}");
        String slow = console(console1, "ping 10.0.0.2 -c 1");
        double rtt = Double.parseDouble(slow.replaceAll("(?s).*time=([0-9.]+) ms.*", "$1"));
        assertThat(rtt).isBetween(400.0, 450.0);

        call("PUT", "/v2/projects/" + project + "/links/" + link1, "{\"filters\":{},\"suspend\":true}");
        assertThat(console(console1, "ping 10.0.0.2 -c 1")).contains("timeout");
        call("PUT", "/v2/projects/" + project + "/links/" + link1, "{\"suspend\":false}");

        call("POST", "/v2/projects/" + project + "/links/" + link1 + "/start_capture", "{}");
        assertThat(console(console1, "ping 10.0.0.2 -c 3")).contains("icmp_seq=3 ttl=64");
        byte[] pcap = pcap(project, link1);
        List<int[]> packets = icmpPackets(pcap);
        assertThat(packets).hasSize(6);
        assertThat(packets).extracting(p -> p[0]).containsExactly(8, 0, 8, 0, 8, 0);
        assertThat(console(console1, "bogus")).contains("Bad command");
    }

    private static byte[] pcap(String project, String link) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v2/projects/"
                + project + "/links/" + link + "/pcap")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("content-type")).hasValue("application/vnd.tcpdump.pcap");
        try (InputStream in = r.body()) {
            return in.readNBytes(24 + 6 * (16 + 98));
        }
    }

    /** Parses classic pcap: returns {icmpType, checksumOk} per Ethernet/IPv4/ICMP record. */
    private static List<int[]> icmpPackets(byte[] pcap) {
        ByteBuffer b = ByteBuffer.wrap(pcap).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).isEqualTo(0xa1b2c3d4);
        b.position(20);
        assertThat(b.getInt()).as("LINKTYPE_ETHERNET").isEqualTo(1);
        List<int[]> packets = new ArrayList<>();
        while (b.remaining() >= 16) {
            b.getInt();
            b.getInt();
            int length = b.getInt();
            b.getInt();
            byte[] frame = new byte[length];
            b.get(frame);
            assertThat(frame[12] & 0xff).isEqualTo(0x08);
            assertThat(frame[23]).as("IP protocol ICMP").isEqualTo((byte) 1);
            byte[] icmp = java.util.Arrays.copyOfRange(frame, 34, frame.length);
            packets.add(new int[] {icmp[0] & 0xff, VpcsConsoles.checksum(icmp)});
            assertThat(VpcsConsoles.checksum(icmp)).as("ICMP checksum verifies").isZero();
        }
        return packets;
    }

    private static String link(JsonNode a, int portA, JsonNode b, int portB) {
        return "{\"nodes\":[{\"node_id\":\"" + a.get("node_id").asText() + "\",\"adapter_number\":0,\"port_number\":" + portA
                + "},{\"node_id\":\"" + b.get("node_id").asText() + "\",\"adapter_number\":0,\"port_number\":" + portB + "}]}";
    }
}
