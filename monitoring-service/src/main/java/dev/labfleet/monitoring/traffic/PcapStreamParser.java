package dev.labfleet.monitoring.traffic;

/**
 * Classic pcap (libpcap 2.4) read as a stream: bytes arrive in chunks of any size (HTTP chunks of GNS3's never-ending
 * capture), packets leave as soon as they are whole. Both byte orders and both timestamp precisions (micro, nano)
 * are read. Nothing but the packet being assembled is buffered.
 */
public final class PcapStreamParser {

    /** Largest record accepted: above it the stream is taken as corrupt. */
    static final int MAX_RECORD = 262_144;

    /** Receives each packet: its time (µs since the epoch), length on the wire, and captured bytes. */
    public interface PacketHandler {
        void packet(long micros, int wireLength, byte[] data, int offset, int length);
    }

    /** The stream is not classic pcap, or a record is impossible. */
    public static final class PcapFormatException extends RuntimeException {
        PcapFormatException(String message) {
            super(message);
        }
    }

    private final PacketHandler handler;
    private byte[] buf = new byte[4096];
    private int len;
    private boolean headerRead;
    private boolean bigEndian;
    private boolean nanos;
    private int linkType;
    private long packets;

    public PcapStreamParser(PacketHandler handler) {
        this.handler = handler;
    }

    /** LINKTYPE of the capture (1: Ethernet), once the global header was read; -1 before. */
    public int linkType() {
        return headerRead ? linkType : -1;
    }

    public long packets() {
        return packets;
    }

    public void feed(byte[] chunk) {
        feed(chunk, 0, chunk.length);
    }

    public void feed(byte[] chunk, int offset, int length) {
        ensure(len + length);
        System.arraycopy(chunk, offset, buf, len, length);
        len += length;
        int pos = 0;
        while (true) {
            if (!headerRead) {
                if (len - pos < 24) {
                    break;
                }
                readGlobalHeader(pos);
                pos += 24;
                continue;
            }
            if (len - pos < 16) {
                break;
            }
            long sec = u32(pos);
            long frac = u32(pos + 4);
            int incl = (int) u32(pos + 8);
            int orig = (int) u32(pos + 12);
            if (incl < 0 || incl > MAX_RECORD) {
                throw new PcapFormatException("record of " + incl + " bytes: not a pcap stream (or corrupt)");
            }
            if (len - pos < 16 + incl) {
                ensure(16 + incl);
                break;
            }
            long micros = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
            packets++;
            handler.packet(micros, orig, buf, pos + 16, incl);
            pos += 16 + incl;
        }
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
        }
    }

    private void readGlobalHeader(int pos) {
        int magic = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8)
                | (buf[pos + 3] & 0xff);
        switch (magic) {
            case 0xa1b2c3d4 -> { bigEndian = true; nanos = false; }
            case 0xd4c3b2a1 -> { bigEndian = false; nanos = false; }
            case 0xa1b23c4d -> { bigEndian = true; nanos = true; }
            case 0x4d3cb2a1 -> { bigEndian = false; nanos = true; }
            default -> throw new PcapFormatException(String.format("magic %08x: not a classic pcap stream", magic));
        }
        headerRead = true;
        linkType = (int) (u32(pos + 20) & 0x0fffffff);
    }

    private long u32(int p) {
        if (bigEndian) {
            return ((long) (buf[p] & 0xff) << 24) | ((buf[p + 1] & 0xff) << 16) | ((buf[p + 2] & 0xff) << 8)
                    | (buf[p + 3] & 0xff);
        }
        return ((long) (buf[p + 3] & 0xff) << 24) | ((buf[p + 2] & 0xff) << 16) | ((buf[p + 1] & 0xff) << 8)
                | (buf[p] & 0xff);
    }

    private void ensure(int capacity) {
        if (capacity > buf.length) {
            byte[] bigger = new byte[Math.max(capacity, buf.length * 2)];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
    }
}
