package dev.labfleet.monitoring.traffic;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The traffic of one link, counted per second of arrival: packets and bytes per direction, protocol mix, talkers by
 * MAC and IPv4 address, and what the security detectors need (broadcasts, ICMP, distinct destinations per source).
 *
 * <p>Direction: GNS3 does not say which MAC sits behind which end of a link. A source MAC is given a side when it is
 * first seen: a MAC known to belong to a node (from {@link #pin}) takes that node's side; otherwise the first source
 * seen on the link is side {@code a} (the link's first end) and any other MAC side {@code b}. For a host's link that
 * starts the conversation (a ping, a TCP connect), that is the right side.
 *
 * <p>Not thread-safe: one capture stream feeds it on one event loop; {@link #roll} and {@link #rates} are called
 * under the same lock by the sampler.
 */
public final class LinkTraffic {

    private static final int SECONDS = 64;

    private final long[] secondOf = new long[SECONDS];
    private final long[][] packets = new long[SECONDS][2];
    private final long[][] bytes = new long[SECONDS][2];
    private final long[][] protocols = new long[SECONDS][Frame.Protocol.values().length];
    private final long[] broadcasts = new long[SECONDS];
    // keyed by the numbers, written out only when rates are read (not per packet)
    private final List<Map<Long, Long>> macTalkers = new ArrayList<>();
    private final List<Map<Integer, Long>> ipTalkers = new ArrayList<>();
    /** source IP -> distinct (destination ip, port) seen, per second: scans. */
    private final List<Map<Integer, Set<Long>>> fanOut = new ArrayList<>();
    private final Map<Long, Integer> sides = new HashMap<>();
    private long totalPackets;

    public LinkTraffic() {
        for (int i = 0; i < SECONDS; i++) {
            macTalkers.add(new HashMap<>());
            ipTalkers.add(new HashMap<>());
            fanOut.add(new HashMap<>());
            secondOf[i] = -1;
        }
    }

    /** Says that {@code mac} is behind side 0 (a) or 1 (b). */
    public synchronized void pin(long mac, int side) {
        sides.put(mac, side);
    }

    public synchronized long totalPackets() {
        return totalPackets;
    }

    /** Counts one frame seen at {@code nowMillis}. */
    public synchronized void count(long nowMillis, Frame f, int wireLength) {
        long sec = nowMillis / 1000;
        int i = slot(sec);
        Integer side = sides.get(f.srcMac());
        if (side == null) {
            side = sides.isEmpty() ? 0 : 1;
            sides.put(f.srcMac(), side);
        }
        packets[i][side]++;
        bytes[i][side] += wireLength;
        protocols[i][f.protocol().ordinal()]++;
        if (f.broadcast()) {
            broadcasts[i]++;
        }
        macTalkers.get(i).merge(f.srcMac(), (long) wireLength, Long::sum);
        if (f.srcIp() != 0) {
            ipTalkers.get(i).merge(f.srcIp(), (long) wireLength, Long::sum);
            if (f.protocol() == Frame.Protocol.TCP || f.protocol() == Frame.Protocol.UDP
                    || f.protocol() == Frame.Protocol.ICMP) {
                Set<Long> targets = fanOut.get(i).computeIfAbsent(f.srcIp(), k -> new HashSet<>());
                if (targets.size() < 4096) {
                    targets.add(((long) f.dstIp() << 16) | (f.dstPort() & 0xffff));
                }
            }
        }
        totalPackets++;
    }

    private int slot(long sec) {
        int i = (int) (sec % SECONDS);
        if (secondOf[i] != sec) {
            secondOf[i] = sec;
            packets[i][0] = packets[i][1] = 0;
            bytes[i][0] = bytes[i][1] = 0;
            java.util.Arrays.fill(protocols[i], 0);
            broadcasts[i] = 0;
            macTalkers.get(i).clear();
            ipTalkers.get(i).clear();
            fanOut.get(i).clear();
        }
        return i;
    }

    /**
     * Rates over the {@code window} complete seconds before {@code nowMillis}'s second.
     */
    public synchronized Rates rates(long nowMillis, int window) {
        long current = nowMillis / 1000;
        long[] p = new long[2];
        long[] b = new long[2];
        long[] proto = new long[Frame.Protocol.values().length];
        long bc = 0;
        Map<Long, Long> macs = new HashMap<>();
        Map<Integer, Long> ips = new HashMap<>();
        Map<Integer, Set<Long>> fan = new HashMap<>();
        for (long s = current - window; s < current; s++) {
            int i = (int) (s % SECONDS);
            if (s < 0 || secondOf[i] != s) {
                continue;
            }
            for (int d = 0; d < 2; d++) {
                p[d] += packets[i][d];
                b[d] += bytes[i][d];
            }
            for (int k = 0; k < proto.length; k++) {
                proto[k] += protocols[i][k];
            }
            bc += broadcasts[i];
            macTalkers.get(i).forEach((k, v) -> macs.merge(k, v, Long::sum));
            ipTalkers.get(i).forEach((k, v) -> ips.merge(k, v, Long::sum));
            fanOut.get(i).forEach((k, v) -> fan.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
        }
        Map<String, Double> mix = new LinkedHashMap<>();
        for (Frame.Protocol pr : Frame.Protocol.values()) {
            mix.put(pr.name().toLowerCase(), proto[pr.ordinal()] / (double) window);
        }
        int maxFan = 0;
        String scanner = null;
        for (var e : fan.entrySet()) {
            if (e.getValue().size() > maxFan) {
                maxFan = e.getValue().size();
                scanner = Frame.ipText(e.getKey());
            }
        }
        return new Rates(new Direction(p[0] / (double) window, b[0] * 8 / (double) window),
                new Direction(p[1] / (double) window, b[1] * 8 / (double) window), mix, bc / (double) window,
                top(macs, 5, window, Frame::macText), top(ips, 5, window, Frame::ipText), scanner, maxFan);
    }

    private static <K> List<Talker> top(Map<K, Long> bytes, int n, int window, java.util.function.Function<K, String> name) {
        return bytes.entrySet().stream().sorted(Map.Entry.<K, Long>comparingByValue().reversed()).limit(n)
                .map(e -> new Talker(name.apply(e.getKey()), e.getValue() * 8 / (double) window)).toList();
    }

    /** Packets and bits per second one way. */
    public record Direction(double pps, double bps) {
    }

    public record Talker(String address, double bps) {
    }

    /**
     * @param aToB       side a (the link's first end) to side b
     * @param protocols  packets per second by protocol (arp, icmp, tcp, udp, other)
     * @param broadcastPps frames to ff:ff:ff:ff:ff:ff per second
     * @param topScanner the IPv4 source with the most distinct (address, port) destinations, and how many
     */
    public record Rates(Direction aToB, Direction bToA, Map<String, Double> protocols, double broadcastPps,
                       List<Talker> topMacs, List<Talker> topIps, String topScanner, int topScannerTargets) {

        public double pps() {
            return aToB.pps() + bToA.pps();
        }

        public double bps() {
            return aToB.bps() + bToA.bps();
        }
    }
}
