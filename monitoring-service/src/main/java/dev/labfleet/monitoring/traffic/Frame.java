package dev.labfleet.monitoring.traffic;

/**
 * What traffic figures need from one Ethernet frame.
 *
 * @param srcIp   IPv4 source as an unsigned int, or 0 (not IPv4)
 * @param dstPort TCP/UDP destination port, or -1
 */
public record Frame(long srcMac, long dstMac, Protocol protocol, int srcIp, int dstIp, int dstPort, int icmpType) {

    public enum Protocol { ARP, ICMP, TCP, UDP, OTHER }

    static final long BROADCAST = 0xffffffffffffL;

    public boolean broadcast() {
        return dstMac == BROADCAST;
    }

    /**
     * Decodes an Ethernet II frame (802.1Q tags skipped): ARP, IPv4 and IPv6 with ICMP/ICMPv6, TCP and UDP; anything
     * else is OTHER. Truncated frames count as OTHER, never fail.
     */
    public static Frame decode(byte[] b, int off, int len) {
        if (len < 14) {
            return new Frame(0, 0, Protocol.OTHER, 0, 0, -1, -1);
        }
        long dst = mac(b, off);
        long src = mac(b, off + 6);
        int p = off + 12;
        int type = u16(b, p);
        while ((type == 0x8100 || type == 0x88a8) && p + 6 <= off + len) {
            p += 4;
            type = u16(b, p);
        }
        p += 2;
        int end = off + len;
        if (type == 0x0806) {
            return new Frame(src, dst, Protocol.ARP, 0, 0, -1, -1);
        }
        if (type == 0x0800 && p + 20 <= end) {
            int ihl = (b[p] & 0x0f) * 4;
            int proto = b[p + 9] & 0xff;
            int sip = i32(b, p + 12);
            int dip = i32(b, p + 16);
            int l4 = p + ihl;
            return l4Frame(b, src, dst, proto, sip, dip, l4, end);
        }
        if (type == 0x86dd && p + 40 <= end) {
            int next = b[p + 6] & 0xff;
            return l4Frame(b, src, dst, next == 58 ? 1 : next, 0, 0, p + 40, end);
        }
        return new Frame(src, dst, Protocol.OTHER, 0, 0, -1, -1);
    }

    private static Frame l4Frame(byte[] b, long src, long dst, int proto, int sip, int dip, int l4, int end) {
        return switch (proto) {
            case 1 -> new Frame(src, dst, Protocol.ICMP, sip, dip, -1, l4 < end ? b[l4] & 0xff : -1);
            case 6 -> new Frame(src, dst, Protocol.TCP, sip, dip, l4 + 4 <= end ? u16(b, l4 + 2) : -1, -1);
            case 17 -> new Frame(src, dst, Protocol.UDP, sip, dip, l4 + 4 <= end ? u16(b, l4 + 2) : -1, -1);
            default -> new Frame(src, dst, Protocol.OTHER, sip, dip, -1, -1);
        };
    }

    private static long mac(byte[] b, int p) {
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private static int i32(byte[] b, int p) {
        return ((b[p] & 0xff) << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
    }

    public static String macText(long mac) {
        StringBuilder s = new StringBuilder(17);
        for (int i = 5; i >= 0; i--) {
            int b = (int) ((mac >> (8 * i)) & 0xff);
            s.append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            if (i > 0) {
                s.append(':');
            }
        }
        return s.toString();
    }

    public static String ipText(int ip) {
        return ((ip >>> 24) & 0xff) + "." + ((ip >>> 16) & 0xff) + "." + ((ip >>> 8) & 0xff) + "." + (ip & 0xff);
    }
}
