package dev.labfleet.monitoring.bench;

import dev.labfleet.monitoring.traffic.Frame;
import dev.labfleet.monitoring.traffic.LinkTraffic;
import dev.labfleet.monitoring.traffic.PcapStreamParser;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Pcap parsing throughput on one core: the stream parser, frame decoding and per-link counting together, fed in
 * 16 KiB chunks (as HTTP chunks arrive), for small (98-byte ICMP) and full-size (1514-byte TCP) frames. Prints
 * packets/s and the bits/s that represents, next to what a 1 Gb/s link carries at that frame size.
 * Run: {@code java -cp monitoring-service/target/classes:monitoring-service/target/test-classes
 * dev.labfleet.monitoring.bench.PcapThroughputBenchmark}
 */
public final class PcapThroughputBenchmark {

    public static void main(String[] args) {
        for (int size : new int[]{98, 1514}) {
            byte[] stream = capture(size, size > 100 ? 40_000 : 200_000);
            run(stream, size, 2); // warm-up
            double pps = run(stream, size, 5);
            double linkPps = 1e9 / ((size + 24) * 8.0); // preamble, FCS and gap: 24 bytes per frame on the wire
            System.out.printf(Locale.ROOT, "frame %4d B: %,.0f packets/s (%,.2f Gb/s of frames) per core; "
                    + "a saturated 1 Gb/s link carries %,.0f packets/s%n", size, pps, pps * size * 8 / 1e9, linkPps);
        }
    }

    private static double run(byte[] stream, int size, int rounds) {
        long packets = 0;
        long start = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            LinkTraffic traffic = new LinkTraffic();
            long now = System.currentTimeMillis();
            PcapStreamParser parser = new PcapStreamParser((micros, wire, data, off, len) ->
                    traffic.count(now, Frame.decode(data, off, len), wire));
            for (int pos = 0; pos < stream.length; pos += 16_384) {
                parser.feed(stream, pos, Math.min(16_384, stream.length - pos));
            }
            packets += parser.packets();
        }
        return packets / ((System.nanoTime() - start) / 1e9);
    }

    private static byte[] capture(int size, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(24 + count * (16 + size));
        out.writeBytes(ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putInt(0xa1b2c3d4).putShort((short) 2)
                .putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1).array());
        for (int i = 0; i < count; i++) {
            ByteBuffer f = ByteBuffer.allocate(size);
            f.put(new byte[]{0, 0x50, 0x79, 0x66, 0x68, (byte) (i % 4)}).put(new byte[]{0, 0x50, 0x79, 0x66, 0x68, 9});
            f.putShort((short) 0x0800).put((byte) 0x45).put((byte) 0).putShort((short) (size - 14)).putInt(0)
                    .put((byte) 64).put((byte) (size > 100 ? 6 : 1)).putShort((short) 0)
                    .putInt(0x0a000001).putInt(0x0a000002 + (i % 16)).putShort((short) 40000).putShort((short) (i % 1024));
            out.writeBytes(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(1_700_000_000 + i / 1000)
                    .putInt(i % 1000 * 1000).putInt(size).putInt(size).array());
            out.writeBytes(f.array());
        }
        return out.toByteArray();
    }
}
