package dev.labfleet.gateway.service;

import io.smallrye.mutiny.Multi;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The live capture's own global header first, and GNS3's copy dropped however its chunks split it. */
class LiveCaptureTest {

    private static final String HEADER = "d4c3b2a1020004000000000000000000ffff000001000000";
    private static final String RECORD = "0100000002000000040000000400000001020304";

    private static String hex(List<Buffer> chunks) {
        Buffer all = Buffer.buffer();
        chunks.forEach(all::appendBuffer);
        return HexFormat.of().formatHex(all.getBytes());
    }

    private static Buffer bytes(String hex) {
        return Buffer.buffer(HexFormat.of().parseHex(hex));
    }

    @Test
    void theHeaderIsUbridgesClassicEthernetHeader() {
        assertThat(HexFormat.of().formatHex(LiveCapture.ethernetHeader().getBytes())).isEqualTo(HEADER);
    }

    @Test
    void aQuietStreamStillGivesTheHeaderAtOnce() {
        Multi<Buffer> never = Multi.createFrom().nothing();
        Buffer first = LiveCapture.headerFirst(never).toUni().await().atMost(Duration.ofSeconds(1));
        assertThat(HexFormat.of().formatHex(first.getBytes())).isEqualTo(HEADER);
    }

    @Test
    void gns3sHeaderIsDroppedWhetherWholeSplitOrJoinedToARecord() {
        String gns3 = HEADER + RECORD + RECORD;
        for (int[] cuts : new int[][] {{24, 44}, {3, 30}, {1, 2, 23, 24, 25}, {64}, {10, 10}}) {
            Multi<Buffer> chunks = Multi.createFrom().iterable(split(gns3, cuts));
            List<Buffer> out = LiveCapture.headerFirst(chunks).collect().asList().await().atMost(Duration.ofSeconds(1));
            assertThat(hex(out)).as("cut at %s", java.util.Arrays.toString(cuts)).isEqualTo(HEADER + RECORD + RECORD);
            assertThat(out).allMatch(b -> b.length() > 0);
        }
    }

    @Test
    void aStreamThatDoesNotStartWithAPcapHeaderPassesUnchanged() {
        String odd = "00".repeat(30);
        List<Buffer> out = LiveCapture.headerFirst(Multi.createFrom().item(bytes(odd))).collect().asList()
                .await().atMost(Duration.ofSeconds(1));
        assertThat(hex(out)).isEqualTo(HEADER + odd);
    }

    /** The hex string's bytes cut at the given byte offsets (repeated offsets give no empty chunk). */
    private static List<Buffer> split(String hex, int[] cuts) {
        byte[] all = HexFormat.of().parseHex(hex);
        java.util.ArrayList<Buffer> chunks = new java.util.ArrayList<>();
        int from = 0;
        for (int cut : cuts) {
            if (cut > from) {
                chunks.add(Buffer.buffer(java.util.Arrays.copyOfRange(all, from, cut)));
                from = cut;
            }
        }
        chunks.add(Buffer.buffer(java.util.Arrays.copyOfRange(all, from, all.length)));
        return chunks;
    }
}
