package dev.labfleet.monitoring.traffic;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PcapStreamParserTest {

    record Seen(long micros, int wire, byte[] data) {
    }

    /** The first bytes GNS3 2.2 sent on a live capture (05-capture.json): header and the start of a record. */
    private static final String GNS3_PREFIX = "d4c3b2a1020004000000000000000000ffff0000010000005ed7026bac3a05004000000040000000";

    static byte[] header(ByteOrder order, int magic) {
        return ByteBuffer.allocate(24).order(order).putInt(magic).putShort((short) 2).putShort((short) 4).putInt(0)
                .putInt(0).putInt(65535).putInt(1).array();
    }

    static byte[] record(ByteOrder order, long sec, long frac, byte[] frame, int wire) {
        return ByteBuffer.allocate(16 + frame.length).order(order).putInt((int) sec).putInt((int) frac)
                .putInt(frame.length).putInt(wire).put(frame).array();
    }

    static byte[] icmp(String src, String dst, int srcIp, int dstIp, int type) {
        ByteBuffer b = ByteBuffer.allocate(98);
        b.put(HexFormat.of().parseHex(dst)).put(HexFormat.of().parseHex(src)).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 84).putInt(0).put((byte) 64).put((byte) 1).putShort((short) 0)
                .putInt(srcIp).putInt(dstIp);
        b.put((byte) type);
        return b.array();
    }

    @Test
    void readsRecordsSplitAtEveryPossibleChunkBoundary() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(header(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4));
        for (int i = 0; i < 20; i++) {
            all.writeBytes(record(ByteOrder.LITTLE_ENDIAN, 1_700_000_000L + i, 250_000, icmp("005079666800",
                    "005079666801", 0x0a000001, 0x0a000002, 8), 98));
        }
        byte[] bytes = all.toByteArray();
        Random random = new Random(7);
        for (int round = 0; round < 200; round++) {
            List<Seen> seen = new ArrayList<>();
            PcapStreamParser parser = new PcapStreamParser((m, w, d, o, l) -> seen.add(new Seen(m, w,
                    java.util.Arrays.copyOfRange(d, o, o + l))));
            int pos = 0;
            while (pos < bytes.length) {
                int n = Math.min(bytes.length - pos, round == 0 ? 1 : 1 + random.nextInt(200));
                parser.feed(bytes, pos, n);
                pos += n;
            }
            assertThat(seen).hasSize(20);
            assertThat(seen.get(3).micros()).isEqualTo((1_700_000_003L) * 1_000_000 + 250_000);
            assertThat(seen.get(19).wire()).isEqualTo(98);
            assertThat(Frame.decode(seen.get(0).data(), 0, 98).protocol()).isEqualTo(Frame.Protocol.ICMP);
            assertThat(parser.linkType()).isEqualTo(1);
        }
    }

    @Test
    void readsBigEndianNanosecondCapturesAndGns3sOwnHeader() {
        List<Long> times = new ArrayList<>();
        PcapStreamParser parser = new PcapStreamParser((m, w, d, o, l) -> times.add(m));
        parser.feed(header(ByteOrder.BIG_ENDIAN, 0xa1b23c4d));
        parser.feed(record(ByteOrder.BIG_ENDIAN, 10, 123_456_789, new byte[60], 60));
        assertThat(times).containsExactly(10_123_456L);

        PcapStreamParser gns3 = new PcapStreamParser((m, w, d, o, l) -> times.add(m));
        gns3.feed(HexFormat.of().parseHex(GNS3_PREFIX));
        assertThat(gns3.linkType()).isEqualTo(1);
        assertThat(gns3.packets()).isZero(); // the record is not whole yet
    }

    @Test
    void refusesWhatIsNotPcap() {
        PcapStreamParser parser = new PcapStreamParser((m, w, d, o, l) -> { });
        assertThatThrownBy(() -> parser.feed("<html>not a capture</html>".getBytes()))
                .isInstanceOf(PcapStreamParser.PcapFormatException.class).hasMessageContaining("magic");
        PcapStreamParser huge = new PcapStreamParser((m, w, d, o, l) -> { });
        huge.feed(header(ByteOrder.LITTLE_ENDIAN, 0xa1b2c3d4));
        assertThatThrownBy(() -> huge.feed(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putInt(0).putInt(0)
                .putInt(10_000_000).putInt(10_000_000).array())).hasMessageContaining("10000000 bytes");
    }

    @Test
    void framesAreDecodedAndCountedPerDirection() {
        LinkTraffic t = new LinkTraffic();
        byte[] request = icmp("005079666800", "005079666801", 0x0a000001, 0x0a000002, 8);
        byte[] reply = icmp("005079666801", "005079666800", 0x0a000002, 0x0a000001, 0);
        byte[] arp = new byte[60];
        System.arraycopy(HexFormat.of().parseHex("ffffffffffff0050796668000806"), 0, arp, 0, 14);
        long t0 = 1_000_000_000L;
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 5; i++) {
                t.count(t0 + s * 1000 + i * 100, Frame.decode(request, 0, 98), 98);
                t.count(t0 + s * 1000 + i * 100 + 1, Frame.decode(reply, 0, 98), 98);
            }
            t.count(t0 + s * 1000 + 900, Frame.decode(arp, 0, 60), 60);
        }
        LinkTraffic.Rates r = t.rates(t0 + 3000, 3);
        assertThat(r.aToB().pps()).isEqualTo(6.0); // 5 requests + 1 ARP from the first MAC seen
        assertThat(r.bToA().pps()).isEqualTo(5.0);
        assertThat(r.bToA().bps()).isEqualTo(5 * 98 * 8.0);
        assertThat(r.protocols()).containsEntry("icmp", 10.0).containsEntry("arp", 1.0).containsEntry("tcp", 0.0);
        assertThat(r.broadcastPps()).isEqualTo(1.0);
        assertThat(r.topIps()).extracting(LinkTraffic.Talker::address).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
        assertThat(r.topMacs().get(0).address()).isEqualTo("00:50:79:66:68:00");
        // nothing in the next window
        assertThat(t.rates(t0 + 10_000, 3).pps()).isZero();
    }
}
