package dev.labfleet.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Telnet consoles of started VPCS nodes, speaking enough VPCS for automation: the banner on the first connection,
 * {@code ip}, {@code show ip}, {@code ping} (following the lab graph, link suspension and filters, and writing pcap
 * records to capturing links), {@code save} and {@code ?}.
 */
final class VpcsConsoles {

    private static final byte[] NEGOTIATION_FIRST = HexFormat.of().parseHex("fffb01fffb03fffb00fffd00fffd01fffb01fffd03fffb03");
    private static final byte[] NEGOTIATION = HexFormat.of().parseHex("fffb01fffb03fffb00fffd00");
    private static final String BANNER = "\r\r\nWelcome to Virtual PC Simulator, version 0.8.3\r\nDedicated to Daling.\r\n"
            + "Build time: Nov 22 2026 10:58:44\r\nCopyright (c) 2007-2015, Paul Meng (mirnshi@gmail.com)\r\n"
            + "All rights reserved.\r\n\r\nVPCS is free software, distributed under the terms of the \"BSD\" licence.\r\n"
            + "Source code and license can be found at vpcs.sf.net.\r\nFor more information, please visit "
            + "wiki.freecode.com.cn.\r\n\r\nPress '?' to get help.\r\n\r\nExecuting the startup file\r\n\r\n";
    /**
     * The commands this simulated VPCS understands, in our words (a real VPCS lists many more), command names in
     * bold as VPCS prints them; every {@code \n} goes out as {@code \r\n}, as through VPCS' pty.
     */
    private static final String HELP = tty(highlight("\n"
            + "{H?} or {Hhelp}              This list\n"
            + "{Hip} {UADDRESS}/{ULENGTH} [{UGATEWAY}]   Set this PC's IPv4 address (also: {Hip} {UADDRESS} {UGATEWAY} {ULENGTH})\n"
            + "{Hshow ip}                 This PC's address, gateway and MAC\n"
            + "{Hping} {UHOST} [-c {UCOUNT}]      Send ICMP echo requests to {UHOST} through the lab\n"
            + "{Hsave}                    Write the settings to startup.vpc, loaded at the next start\n\n"
            + "Simulated by Labfleet's GNS3 simulator: other VPCS commands are not available.\n"));
    /** How long a ping waits for a reply (VPCS: 1 s) and the pause between two echo requests (VPCS: 1 s). */
    private long timeoutMs = 1000;
    private long intervalMs;

    private final Vertx vertx;
    private final Gns3Api api;
    private final String host;
    private final Map<String, Console> consoles = new HashMap<>();
    private final List<Future<Void>> binding = new ArrayList<>();
    /** A stopped node's console server still closing: a restart listens on its port only once it is closed. */
    private final Map<String, Future<Void>> closing = new HashMap<>();

    /** One running VPCS: its address and its console server. */
    static final class Console {
        final Model.Project project;
        final Model.Node node;
        final int index;
        NetServer server;
        boolean bannerShown;
        String ip;
        int prefix = 24;
        String gateway = "0.0.0.0";

        Console(Model.Project project, Model.Node node, int index) {
            this.project = project;
            this.node = node;
            this.index = index;
        }

        String mac() {
            return String.format("00:50:79:66:68:%02x", index & 0xff);
        }
    }

    VpcsConsoles(Vertx vertx, Gns3Api api, String host) {
        this.vertx = vertx;
        this.api = api;
        this.host = host;
    }

    void started(Model.Project p, Model.Node n) {
        if (!"vpcs".equals(n.type()) || consoles.containsKey(n.id())) {
            return;
        }
        Console console = new Console(p, n, vpcsIndex(p, n));
        loadStartup(console);
        consoles.put(n.id(), console);
        int port = n.json.path("console").asInt(0);
        NetServer server = vertx.createNetServer().connectHandler(socket -> connected(console, socket));
        console.server = server;
        // a node stopped and started again: its old console server may still be closing on the same port (a listen
        // then joined the closing server and the restarted console refused connections), so wait for that close
        Future<Void> previous = closing.remove(n.id());
        Future<Void> bound = (previous == null ? Future.<Void>succeededFuture() : previous.otherwiseEmpty())
                .compose(v -> server.listen(port, host)).<Void>mapEmpty()
                .recover(e -> server.listen(0, host).onSuccess(s -> {
                    // the recorded port is taken on this machine (another simulator?): use a free one and say so
                    n.json.put("console", s.actualPort());
                }).<Void>mapEmpty()).otherwiseEmpty();
        binding.add(bound);
    }

    /** A VPCS' place among its project's VPCS, in creation order: GNS3's {@code -m} MAC offset (PC1 00, PC2 01…). */
    private static int vpcsIndex(Model.Project p, Model.Node n) {
        int index = 0;
        for (Model.Node other : p.nodes.values()) {
            if (other == n) {
                break;
            }
            if ("vpcs".equals(other.type())) {
                index++;
            }
        }
        return index;
    }

    /** Completes when every console started so far listens: GNS3 answers a start once the console is up. */
    Future<Void> settled() {
        if (binding.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Future<Void>> pending = new ArrayList<>(binding);
        binding.clear();
        return Future.join(pending).<Void>mapEmpty().otherwiseEmpty();
    }

    void timing(java.time.Duration interval, java.time.Duration timeout) {
        this.intervalMs = Math.max(0, interval.toMillis());
        this.timeoutMs = Math.max(1, timeout.toMillis());
    }

    void stopped(Model.Node n) {
        Console console = consoles.remove(n.id());
        if (console != null && console.server != null) {
            closing.put(n.id(), console.server.close());
        }
    }

    void closeAll() {
        consoles.values().forEach(c -> c.server.close());
        consoles.clear();
    }

    private void loadStartup(Console console) {
        byte[] startup = console.node.files.get("startup.vpc");
        if (startup == null) {
            return;
        }
        for (String line : new String(startup, StandardCharsets.UTF_8).split("\n")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("ip ")) {
                configure(console, trimmed.substring(3).trim().split("\\s+"));
            }
        }
    }

    private void connected(Console console, NetSocket socket) {
        if (!console.bannerShown) {
            console.bannerShown = true;
            socket.write(Buffer.buffer(NEGOTIATION_FIRST));
            socket.write(BANNER + prompt(console));
        } else {
            socket.write(Buffer.buffer(NEGOTIATION));
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ArrayDeque<String> pending = new ArrayDeque<>();
        boolean[] busy = {false};
        int[] iac = {0};
        socket.handler(buffer -> {
            for (byte b : buffer.getBytes()) {
                int c = b & 0xff;
                if (iac[0] > 0) {
                    iac[0]--;
                    continue;
                }
                if (c == 0xff) {
                    iac[0] = 2;
                } else if (c == '\n') {
                    pending.add(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                } else if (c != '\r') {
                    line.write(c);
                }
            }
            drain(console, socket, pending, busy);
        });
    }

    /** Commands run one at a time, in order, as VPCS reads its input. */
    private void drain(Console console, NetSocket socket, ArrayDeque<String> pending, boolean[] busy) {
        if (busy[0] || pending.isEmpty()) {
            return;
        }
        busy[0] = true;
        String command = pending.poll();
        socket.write(command + "\r\n");
        run(console, socket, command.trim(), () -> {
            socket.write(prompt(console));
            busy[0] = false;
            drain(console, socket, pending, busy);
        });
    }

    /** VPCS' readline prompt, {@code "\n\r%s> "}, as its pty sends it. */
    private static String prompt(Console console) {
        return "\r\n\r" + (console.node.json.path("template_id").isNull() ? "VPCS" : console.node.name()) + "> ";
    }

    private void run(Console console, NetSocket socket, String command, Runnable done) {
        String[] words = command.isEmpty() ? new String[0] : command.split("\\s+");
        if (words.length == 0) {
            done.run();
            return;
        }
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "ip" -> {
                if (words.length < 2 || !configure(console, java.util.Arrays.copyOfRange(words, 1, words.length))) {
                    socket.write("Invalid address\r\n");
                } else {
                    socket.write("Checking for duplicate address...\r\n" + console.node.name() + " : " + console.ip + " "
                            + mask(console.prefix) + (console.gateway.equals("0.0.0.0") ? "" : " gateway " + console.gateway)
                            + "\r\n");
                }
                done.run();
            }
            case "show" -> {
                socket.write("\r\nNAME        : " + console.node.name() + "[1]\r\nIP/MASK     : "
                        + (console.ip == null ? "0.0.0.0/0" : console.ip + "/" + console.prefix)
                        + "\r\nGATEWAY     : " + console.gateway + "\r\nDNS         : \r\nMAC         : " + console.mac()
                        + "\r\nLPORT       : 20006\r\nRHOST:PORT  : 127.0.0.1:20007\r\nMTU         : 1500\r\n");
                done.run();
            }
            case "ping" -> ping(console, socket, words, done);
            case "save" -> {
                // VPCS 0.8.3's run_save and ip4Info: "ip ADDRESS [GATEWAY] CIDR"
                String startup = "set pcname " + console.node.name() + "\n"
                        + (console.ip == null ? "" : "ip " + console.ip
                        + (console.gateway.equals("0.0.0.0") ? "" : " " + console.gateway) + " " + console.prefix + "\n");
                console.node.files.put("startup.vpc", startup.getBytes(StandardCharsets.UTF_8));
                socket.write("Saving startup configuration to startup.vpc\r\n.  done\r\n");
                done.run();
            }
            case "?", "help" -> {
                socket.write(HELP);
                done.run();
            }
            default -> {
                socket.write("Bad command: \"" + command + "\". Use ? for help.\r\n");
                done.run();
            }
        }
    }

    /**
     * VPCS' {@code ip ADDRESS[/CIDR] [ARG...]}: after the address, a number of one or two digits is the CIDR, a
     * dotted word starting with 255. the netmask, any other address the gateway (what {@code save} writes loads back).
     */
    private static boolean configure(Console console, String[] words) {
        List<String> args = new ArrayList<>();
        for (String word : words) {
            for (String part : word.split("/")) {
                if (!part.isEmpty()) {
                    args.add(part);
                }
            }
        }
        String address = args.get(0);
        int prefix = 24;
        String gateway = "0.0.0.0";
        for (String arg : args.subList(1, args.size())) {
            if (arg.matches("\\d{1,2}")) {
                prefix = Integer.parseInt(arg);
            } else if (arg.startsWith("255.") && ipToLong(arg) >= 0) {
                prefix = Integer.bitCount((int) ipToLong(arg));
            } else if (ipToLong(arg) >= 0) {
                gateway = arg;
            } else {
                return false;
            }
        }
        if (ipToLong(address) < 0) {
            return false;
        }
        console.ip = address;
        console.prefix = prefix < 1 || prefix > 30 ? 24 : prefix;
        console.gateway = gateway;
        return true;
    }

    private void ping(Console console, NetSocket socket, String[] words, Runnable done) {
        if (words.length < 2 || ipToLong(words[1]) < 0) {
            socket.write("Invalid address\r\n");
            done.run();
            return;
        }
        String target = words[1];
        int count = 5;
        for (int i = 2; i + 1 < words.length; i++) {
            if (words[i].equals("-c")) {
                count = Integer.parseInt(words[i + 1]);
            }
        }
        socket.write("\r\n");
        sendPing(console, socket, target, 1, count, done);
    }

    private void sendPing(Console console, NetSocket socket, String target, int seq, int count, Runnable done) {
        if (seq > count) {
            done.run();
            return;
        }
        Path path = console.ip == null ? null : route(console, target);
        if (path == null) {
            vertx.setTimer(timeoutMs, t -> {
                socket.write(target + " icmp_seq=" + seq + " timeout\r\n");
                sendPing(console, socket, target, seq + 1, count, done);
            });
            return;
        }
        double rtt = 0.4 + Math.random() * 0.3 + 2 * path.delayMs;
        capture(console, path, seq);
        vertx.setTimer(Math.max(1, (long) rtt), t -> {
            socket.write(String.format(Locale.ROOT, "84 bytes from %s icmp_seq=%d ttl=64 time=%.3f ms\r\n", target, seq, rtt));
            long pause = seq < count ? intervalMs - (long) rtt : 0;
            if (pause > 0) {
                vertx.setTimer(pause, n -> sendPing(console, socket, target, seq + 1, count, done));
            } else {
                sendPing(console, socket, target, seq + 1, count, done);
            }
        });
    }

    /** A path to the VPCS holding {@code target}: the links crossed and their one-way delay. */
    record Path(Console to, List<Model.Link> links, long delayMs) {
    }

    private Path route(Console from, String target) {
        long targetIp = ipToLong(target);
        long mask = (0xffffffffL << (32 - from.prefix)) & 0xffffffffL;
        if ((targetIp & mask) != (ipToLong(from.ip) & mask)) {
            return null; // no routers in a VPCS-and-switch lab
        }
        Model.Project p = from.project;
        Map<String, List<Model.Link>> byNode = new HashMap<>();
        for (Model.Link l : p.links.values()) {
            if (!l.attached || l.json.path("suspend").asBoolean() || dropsEverything(l.json.get("filters"))) {
                continue;
            }
            for (JsonNode end : l.json.get("nodes")) {
                byNode.computeIfAbsent(end.get("node_id").asText(), k -> new ArrayList<>()).add(l);
            }
        }
        record Step(String nodeId, List<Model.Link> links, long delay) {
        }
        ArrayDeque<Step> queue = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        queue.add(new Step(from.node.id(), List.of(), 0));
        seen.add(from.node.id());
        while (!queue.isEmpty()) {
            Step step = queue.poll();
            for (Model.Link l : byNode.getOrDefault(step.nodeId(), List.of())) {
                for (JsonNode end : l.json.get("nodes")) {
                    String next = end.get("node_id").asText();
                    if (!seen.add(next)) {
                        continue;
                    }
                    List<Model.Link> links = new ArrayList<>(step.links());
                    links.add(l);
                    long delay = step.delay() + delayOf(l.json.get("filters"));
                    Console console = consoles.get(next);
                    if (console != null && target.equals(console.ip)) {
                        return new Path(console, links, delay);
                    }
                    Model.Node node = p.nodes.get(next);
                    if (node != null && (node.type().equals("ethernet_switch") || node.type().equals("ethernet_hub"))) {
                        queue.add(new Step(next, links, delay));
                    }
                }
            }
        }
        return null;
    }

    private static boolean dropsEverything(JsonNode filters) {
        if (filters == null) {
            return false;
        }
        return filters.path("frequency_drop").path(0).asInt(0) == -1 || filters.path("packet_loss").path(0).asInt(0) >= 100;
    }

    private static long delayOf(JsonNode filters) {
        return filters == null ? 0 : filters.path("delay").path(0).asLong(0);
    }

    /** Echo request and reply as pcap records on every capturing link of the path. */
    private void capture(Console from, Path path, int seq) {
        long micros = System.currentTimeMillis() * 1000;
        byte[] request = icmpFrame(from.mac(), path.to().mac(), from.ip, path.to().ip, 8, seq);
        byte[] reply = icmpFrame(path.to().mac(), from.mac(), path.to().ip, from.ip, 0, seq);
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        records.writeBytes(Pcap.record(micros, request));
        records.writeBytes(Pcap.record(micros + 400, reply));
        for (Model.Link l : path.links()) {
            if (l.json.path("capturing").asBoolean()) {
                api.capture(from.project, l, records.toByteArray());
            }
        }
    }

    static byte[] icmpFrame(String srcMac, String dstMac, String srcIp, String dstIp, int type, int seq) {
        byte[] payload = new byte[56];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        ByteBuffer icmp = ByteBuffer.allocate(8 + payload.length);
        icmp.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) 0x1234).putShort((short) seq).put(payload);
        byte[] icmpBytes = icmp.array();
        int sum = checksum(icmpBytes);
        icmpBytes[2] = (byte) (sum >> 8);
        icmpBytes[3] = (byte) sum;
        ByteBuffer ip = ByteBuffer.allocate(20);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + icmpBytes.length)).putShort((short) seq)
                .putShort((short) 0).put((byte) 64).put((byte) 1).putShort((short) 0)
                .putInt((int) ipToLong(srcIp)).putInt((int) ipToLong(dstIp));
        byte[] ipBytes = ip.array();
        int ipSum = checksum(ipBytes);
        ipBytes[10] = (byte) (ipSum >> 8);
        ipBytes[11] = (byte) ipSum;
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + icmpBytes.length);
        frame.put(mac(dstMac)).put(mac(srcMac)).putShort((short) 0x0800).put(ipBytes).put(icmpBytes);
        return frame.array();
    }

    private static byte[] mac(String mac) {
        return HexFormat.of().parseHex(mac.replace(":", ""));
    }

    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i < data.length; i += 2) {
            int word = (data[i] & 0xff) << 8 | (i + 1 < data.length ? data[i + 1] & 0xff : 0);
            sum += word;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static long ipToLong(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            return -1;
        }
        long value = 0;
        for (String part : parts) {
            try {
                int octet = Integer.parseInt(part);
                if (octet < 0 || octet > 255) {
                    return -1;
                }
                value = value << 8 | octet;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return value;
    }

    /** VPCS' esc_prn: {@code {Hword}} bold, {@code {Uword}} underlined. */
    private static String highlight(String text) {
        return text.replaceAll("\\{H([^{}]*)}", "\u001b[1m$1\u001b[0m").replaceAll("\\{U([^{}]*)}", "\u001b[4m$1\u001b[0m");
    }

    /** A pty's output processing (onlcr): every line feed goes out as CR LF. */
    private static String tty(String text) {
        return text.replace("\n", "\r\n");
    }

    private static String mask(int prefix) {
        long m = (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return (m >> 24 & 0xff) + "." + (m >> 16 & 0xff) + "." + (m >> 8 & 0xff) + "." + (m & 0xff);
    }
}
