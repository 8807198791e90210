package dev.labfleet.simulator;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Classic pcap (LINKTYPE 1, Ethernet) as GNS3's captures: a global header, then records. */
final class Pcap {

    private Pcap() {
    }

    static byte[] header() {
        ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(0xffff).putInt(1);
        return b.array();
    }

    /** One record holding {@code frame}, stamped {@code micros} since the epoch. */
    static byte[] record(long micros, byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(16 + frame.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(frame.length).putInt(frame.length);
        b.put(frame);
        return b.array();
    }
}
